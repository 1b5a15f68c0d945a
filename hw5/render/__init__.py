"""The notebook's mode, its tables, figures and code listings, and the PDF."""
