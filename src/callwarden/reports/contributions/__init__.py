"""The report's added sections, one module each (`reports.sections.section` registers them)."""
