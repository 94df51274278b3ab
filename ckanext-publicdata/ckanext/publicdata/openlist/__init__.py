"""The annual open list (年度开放清单, TAX-8): published by the authority, adjusted dynamically, exportable."""
