"""Renderers for what people read: HTML, Word, PDF, spreadsheets and charts."""
