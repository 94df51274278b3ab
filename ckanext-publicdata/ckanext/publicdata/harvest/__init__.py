"""Harvesting agency and county catalogs into the city portal: shared harvest machinery, operator pages, CLI."""
