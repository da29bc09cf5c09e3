"""Bringing documents into the archive: JSON Lines, pages of the old portal and office files.

Each reader turns its source into `pipeline.DocumentData`; `pipeline.save_document` validates, deduplicates and
saves one document in one transaction; `importer.import_paths` walks files and folders for the command.
"""
