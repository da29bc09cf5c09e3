"""Helpers of the staff workflow tests: users in the two groups, files made on the spot."""

import io
import zipfile

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Column

PASSWORD = "a-long-password-1"
UPLOAD_URL = "admin:documents_article_upload"


def staff_user(username, group=None):
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def form_data(form):
    """What the browser would post back for an admin form as shown (cover image left empty)."""
    data = {"attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"}
    for name, field in form.fields.items():
        if name == "cover_image":
            continue
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


def docx_bytes(title, *lines):
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(client, *files, column="news"):
    """POST files ((name, bytes) pairs) to the upload page; returns the response."""
    return client.post(
        reverse(UPLOAD_URL),
        {
            "files": [SimpleUploadedFile(name, content) for name, content in files],
            "column": Column.objects.get(slug=column).pk,
        },
    )
