"""The open data addresses: 开放数据 and its files, the API's description, each document as Word and PDF."""

from django.urls import path

from . import downloads, views

app_name = "opendata"

urlpatterns = [
    path("data/", views.data_page, name="data"),
    path("data/<str:name>", views.data_file, name="data_file"),
    path("api/", views.api_page, name="api"),
    path("api/openapi.json", views.openapi_json, name="openapi"),
    path("articles/<int:pk>/download.docx", downloads.download, {"extension": "docx"}, name="download_docx"),
    path("articles/<int:pk>/download.pdf", downloads.download, {"extension": "pdf"}, name="download_pdf"),
]
