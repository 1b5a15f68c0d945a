"""The homework's answers: the code the PDF prints or its checks call, question by question."""
