"""The staff side: the admin, the review workflow, uploads and the editor's pictures."""
