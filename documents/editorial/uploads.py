"""Files uploaded by staff in the admin become draft articles, one transaction per file.

Every file is checked before a reader sees it: its type by content (not only by name), its size, and for a
.zip its members (count, sizes, compression ratio: a zip bomb is refused before it is unpacked).
"""

import io
import logging
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings

from ..ingest import bounded
from ..ingest.office import check_size, read_office_file
from ..ingest.pipeline import ImportProblem, save_document
from ..models import Article

log = logging.getLogger(__name__)

DOCUMENT_TYPES = {".docx": "docx", ".pdf": "pdf", ".txt": "text", ".html": "text", ".htm": "text"}
ZIP_MAX_MEMBERS = 200
# Text and Office XML compress 5-20 times; a ratio above this is a bomb, not a document.
ZIP_MAX_RATIO = 100
# Small members may compress well without harm: the ratio is checked only above this size.
ZIP_RATIO_MIN_SIZE = 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Windows (MZ) and Linux (ELF) programs: whatever the name says, never a document.
PROGRAM_MAGIC = (b"MZ", b"\x7fELF")
TYPE_NAMES = {"docx": "Word 文档（.docx）", "pdf": "PDF 文件", "text": "文本文件", "zip": "zip 压缩包"}


@dataclass
class UploadOutcome:
    name: str
    article: Article | None = None
    problem: str = ""
    existed: bool = False

    @property
    def ok(self):
        return not self.problem


def import_uploads(files, *, column):
    """Import uploaded files ((name, bytes) pairs; a .zip counts as its members) as drafts in `column`."""
    outcomes = []
    for name, data in files:
        if name.lower().endswith(".zip"):
            try:
                members = unpack_zip(data)
            except ImportProblem as problem:
                outcomes.append(UploadOutcome(name, problem=str(problem)))
                continue
            outcomes.extend(_import_one(f"{name} / {member}", member, content, column) for member, content in members)
        else:
            outcomes.append(_import_one(name, name, data, column))
    return outcomes


def _import_one(label, name, data, column):
    try:
        check_document(name, data)
        document = bounded.run(read_office_file, name, data)  # a web request: a pathological file must not hang it
        result = save_document(document, status=Article.Status.DRAFT, default_column=column.name)
    except ImportProblem as problem:
        return UploadOutcome(label, problem=str(problem))
    except Exception:
        # A reader tripping over a malformed file must cost that file only, never the whole upload.
        log.exception("upload %s failed", label)
        return UploadOutcome(label, problem="文件已损坏或格式无法识别，未能读取")
    return UploadOutcome(label, article=result.article, existed=result.outcome == "unchanged")


def sniff(data):
    """The type a file's content shows: docx, pdf, zip, ole (an encrypted Office file or an old .doc), program,
    text or None."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else "zip"
        except zipfile.BadZipFile:
            return None
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(PROGRAM_MAGIC) and b"\x00" in data[:8192]:  # binary, unlike a text that starts "MZ"
        return "program"
    # The text reader decides the encoding (documents/ingest/portal_page.decode_text).
    if b"\x00" not in data[:8192]:
        return "text"
    return None


def check_document(name, data):
    """Raise ImportProblem unless `data` is a document of the type its name says."""
    extension = os.path.splitext(name)[1].lower()
    expected = DOCUMENT_TYPES.get(extension)
    if extension == ".zip":
        raise ImportProblem("压缩包中不能再包含压缩包")
    if expected is None and extension != ".doc":  # the reader explains why an old .doc cannot be read
        raise ImportProblem(f"不支持的文件类型“{extension or '（无扩展名）'}”：只能上传 .docx、.pdf、.txt、.html 或 .zip")
    check_size(len(data))  # the importer's own limits, with its messages
    if expected is None:
        return
    found = sniff(data)
    if found == expected:
        if found == "docx":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                _check_zip_sizes(archive, "Word 文档", max_members=10_000)
        return
    if found == "ole" and expected == "docx":
        raise ImportProblem("该 Word 文件已加密（或是旧的 .doc 格式），请在 Word 中取消密码并另存为 .docx 后再上传")
    if found == "program":
        raise ImportProblem(f"不支持的文件类型：文件内容是可执行程序，不是文档（扩展名“{extension}”与内容不符）")
    if found == "zip" and expected == "docx":  # a .docx is a zip, but this one holds no Word document
        raise ImportProblem("不是有效的 Word 文档：文件是普通的压缩包，或 Word 文档已损坏")
    if found in TYPE_NAMES:
        raise ImportProblem(f"文件内容是{TYPE_NAMES[found]}，与扩展名“{extension}”不符")
    if expected == "docx":
        raise ImportProblem("Word 文档已损坏，无法打开")
    raise ImportProblem(f"文件内容不是{TYPE_NAMES[expected]}，可能已损坏")


def unpack_zip(data):
    """The documents in a zip: [(name, bytes)]. Raises ImportProblem for a bomb, nesting or a broken archive."""
    if sniff(data) != "zip":
        raise ImportProblem("不是有效的 zip 压缩包")
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ImportProblem(f"压缩包太大（最大 {settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB）")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [
                info for info in archive.infolist()
                if not info.is_dir() and not _is_system_file(info.filename)
            ]
            if not members:
                raise ImportProblem("压缩包里没有文件")
            _check_zip_sizes(archive, "压缩包", max_members=ZIP_MAX_MEMBERS)
            return [(_member_name(info), _read_member(archive, info)) for info in members]
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as error:
        raise ImportProblem(f"压缩包已损坏，无法解压（{error}）") from error


def _check_zip_sizes(archive, what, *, max_members):
    infos = archive.infolist()
    if len(infos) > max_members:
        raise ImportProblem(f"{what}中的文件太多（{len(infos)} 个，最多 {max_members} 个）")
    limit = settings.IMPORT_MAX_BYTES
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ImportProblem(f"{what}已加密，请解除密码后再上传")
        if info.file_size > limit:
            raise ImportProblem(f"{what}中的“{_member_name(info)}”解压后太大（最大 {limit // (1024 * 1024)} MB）")
        if info.file_size > ZIP_RATIO_MIN_SIZE and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise ImportProblem(f"{what}的压缩比异常（“{_member_name(info)}”），疑似压缩炸弹，已拒绝")
        total += info.file_size
    if total > limit:
        raise ImportProblem(f"{what}解压后总大小超过 {limit // (1024 * 1024)} MB")


def _read_member(archive, info):
    limit = settings.IMPORT_MAX_BYTES
    # The sizes in the header were checked, but a forged header may lie: never read more than the limit.
    with archive.open(info) as member:
        content = member.read(limit + 1)
    if len(content) > limit:
        raise ImportProblem(f"压缩包中的“{_member_name(info)}”解压后太大")
    return content


def _is_system_file(path):
    parts = path.replace("\\", "/").split("/")
    return "__MACOSX" in parts or parts[-1].startswith(".") or parts[-1] in {"Thumbs.db", "desktop.ini"}


def _member_name(info):
    """The member's file name without folders; names stored by Chinese Windows tools are GBK, not UTF-8."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name.replace("\\", "/").rsplit("/", 1)[-1]
