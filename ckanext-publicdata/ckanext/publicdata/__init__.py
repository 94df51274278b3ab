"""ckanext-publicdata: a CKAN extension for a city public-data open portal (公共数据开放网)."""
