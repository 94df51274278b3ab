"""The portal's harvesters, one plugin per source type (ckanext-harvest needs one per type):

- ``publicdata_node_harvester`` (node.py): a county node running this extension, through its CKAN API, lossless;
- ``publicdata_ckan_harvester`` (ckan.py): a stock CKAN portal with a declarative field/vocabulary mapping;
- ``publicdata_catalog_file_harvester`` (catalog_file.py): an agency catalog file (XLSX/CSV, national template);
- ``publicdata_dcat_harvester`` (dcat.py): DCAT RDF / Turtle / JSON-LD documents;
- ``publicdata_json_harvester`` (json_api.py): a JSON API with records path, paging and field mapping.

The shared machinery (mapping, validation, conflicts, review, sync) is in :mod:`ckanext.publicdata.harvest.base`.
"""
