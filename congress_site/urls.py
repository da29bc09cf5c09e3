from django.contrib import admin
from django.urls import include, path

admin.site.site_header = admin.site.site_title = "文档管理"
admin.site.index_title = "网站内容管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("documents.urls")),
]

# The 500 page shows the site's identity without touching the database (it may be the thing that failed).
handler500 = "documents.views.server_error"
