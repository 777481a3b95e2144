/* Flask-Admin's date picker (bootstrap-daterangepicker over moment.js) in Japanese: month and
   weekday names, weeks from 日, and its buttons' words, which the <script> element carries in
   data attributes (translated on the server; the Content-Security-Policy runs no inline script). */
(function () {
  "use strict";
  var words = document.currentScript.dataset;
  if (document.documentElement.lang !== "ja") { return; }  // ?lang=en keeps moment's English
  // The picker takes its month and weekday names and first day of the week from moment.js.
  window.moment.locale("ja", {
    months: "1月_2月_3月_4月_5月_6月_7月_8月_9月_10月_11月_12月".split("_"),
    monthsShort: "1月_2月_3月_4月_5月_6月_7月_8月_9月_10月_11月_12月".split("_"),
    weekdays: "日曜日_月曜日_火曜日_水曜日_木曜日_金曜日_土曜日".split("_"),
    weekdaysShort: "日_月_火_水_木_金_土".split("_"),
    weekdaysMin: "日_月_火_水_木_金_土".split("_"),
    week: { dow: 0, doy: 6 }
  });
  // Its buttons' words are options; Flask-Admin's form.js passes none, so we add them.
  window.jQuery(function ($) {
    var picker = $.fn.daterangepicker;
    if (!picker) { return; }
    $.fn.daterangepicker = function (options, callback) {
      var locale = $.extend({
        applyLabel: words.apply, cancelLabel: words.cancel,
        fromLabel: words.from, toLabel: words.to, customRangeLabel: words.custom
      }, (options && options.locale) || {});
      return picker.call(this, $.extend({}, options, { locale: locale }), callback);
    };
  });
}());
