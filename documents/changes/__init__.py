"""What happens when a document changes: the one change path (service), its subscribers' order, the page cache's tokens."""
