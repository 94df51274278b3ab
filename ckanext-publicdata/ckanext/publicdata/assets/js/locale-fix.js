/* CKAN's JavaScript asks /api/i18n/<locale> for its translations before it starts any module, turning the page's
 * BCP 47 language ("zh-Hans-CN") into a CKAN locale by replacing only the FIRST hyphen ("zh_Hans-CN"), which the
 * API refuses (400): on the Chinese portal no JavaScript module would start. Replace every hyphen.
 */
(function (ckan) {
  'use strict';
  if (!ckan || !ckan.Client) {
    return;
  }
  ckan.Client.prototype.getLocaleData = function (locale, success, error) {
    var url = this.url('/api/i18n/' + (locale || '').replace(/-/g, '_'));
    return jQuery.getJSON(url).then(success, error);
  };
}(window.ckan));
