"""Cards (atomic components): WXML, the card tree, WXSS, HTML."""
