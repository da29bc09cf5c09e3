"""Open data: every published document as Word and PDF, bulk files of the whole archive, the API's description."""
