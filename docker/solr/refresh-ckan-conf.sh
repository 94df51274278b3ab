# Sourced by the Solr image's run-initdb before `solr-precreate` (mounted in /docker-entrypoint-initdb.d/).
# solr-precreate copies config/solr into a new core once; this refreshes the configuration of an existing
# core from config/solr on every start, so a changed schema.xml or synonyms.txt takes effect on restart
# (then run `ckan search-index rebuild` if the schema's analyzers changed). Sourced: no `exit` here.
ckan_core_conf="/var/solr/data/${SOLR_CKAN_CORE:-ckan}/conf"
if [ -d "$ckan_core_conf" ]; then
  cp -f /opt/ckan-solr/conf/* "$ckan_core_conf/"
  echo "refresh-ckan-conf: $ckan_core_conf updated from config/solr"
fi
