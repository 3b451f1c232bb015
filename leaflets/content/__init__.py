"""Reading the project: settings, the content tree, validation, clinic profiles, readability."""
