/* The dataset form shows the fields that go with the chosen open attribute (TAX-4, TAX-5):
 * 有条件开放 → 开放条件类型 and 开放条件; 不予开放 → 不予开放依据; 无条件开放 → neither.
 * Hidden fields are disabled, so their stale values are not posted. Without JavaScript every field stays visible
 * and the help texts say which one is needed.
 */
ckan.module('publicdata-open-attribute', function ($) {
  'use strict';

  // field name → the open attributes that need it
  var DEPENDENT_FIELDS = {
    open_conditions: ['conditional'],
    open_conditions_text: ['conditional'],
    not_open_basis: ['not_open']
  };

  return {
    initialize: function () {
      $.proxyAll(this, /_on/);
      this.form = this.el.closest('form');
      this.el.on('change', this._onChange);
      this._onChange();
    },

    _onChange: function () {
      var value = this.el.val();
      var form = this.form;
      $.each(DEPENDENT_FIELDS, function (name, shownFor) {
        var inputs = form.find('[name="' + name + '"]');
        if (!inputs.length) {
          return;
        }
        var show = shownFor.indexOf(value) !== -1;
        var group = inputs.first().closest('.form-group');
        group.toggleClass('d-none', !show)
          .attr('data-publicdata-dependent', name)
          .attr('aria-hidden', show ? 'false' : 'true');
        inputs.prop('disabled', !show);
      });
    }
  };
});
