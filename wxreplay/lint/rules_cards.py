"""Card rules (platform-spec 5, 9.2.20-22, 9.3.43-45, 10): WXML and WXSS through the card runtime's parsers."""
