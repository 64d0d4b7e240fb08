"""Everything Qt: windows, pages, forms, item models, workers. Calls services only."""
