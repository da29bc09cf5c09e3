"""Related documents (相关文档): what makes two documents related, and the stored lists."""
