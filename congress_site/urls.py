"""The site's addresses: the admin, uploaded files served safely, the portal; the Chinese error pages."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from documents.archive import media

admin.site.site_header = admin.site.site_title = "文档管理"
admin.site.index_title = "网站内容管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Uploaded files with safe headers, in production too (WhiteNoise serves only the static files).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve, name="media"),
    path("", include("documents.archive.urls")),
    path("", include("documents.opendata.urls")),
]

# Error pages in Chinese with the site's identity, without the database (it may be the thing that failed).
handler400 = "documents.archive.errors.bad_request"
handler403 = "documents.archive.errors.permission_denied"
handler500 = "documents.archive.errors.server_error"
