"""What a change of a document sets off: the page cache's tokens and the batching of derived work."""
