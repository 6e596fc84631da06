/* Material for MkDocs draws ```mermaid fences with the global `mermaid`, and fetches it from a CDN
   (unpkg.com) when there is none. This stand-in takes that place so that the site works offline:
   it loads the vendored copy from this site (javascripts/vendor/mermaid.min.js), and only on pages
   that actually have a diagram, because the library is 3.5 MB. */
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  var source = new URL("vendor/mermaid.min.js", here || document.baseURI).href;
  var settings = null;
  var loading = null;

  function load() {
    if (loading === null) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = source;
        tag.onload = function () {
          var real = globalThis.mermaid;  // the library replaces this stand-in when it loads
          if (settings !== null) {
            real.initialize(settings);
          }
          resolve(real);
        };
        tag.onerror = function () {
          reject(new Error("could not load " + source));
        };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  globalThis.mermaid = {
    initialize: function (options) {
      // Diagrams at their natural size (text as large as the page's), never shrunk to the column:
      // a long sanction ladder scrolls sideways instead of becoming unreadable (extra.css).
      settings = Object.assign({}, options, {
        state: Object.assign({}, options && options.state, {useMaxWidth: false}),
        flowchart: Object.assign({}, options && options.flowchart, {useMaxWidth: false})
      });
    },
    render: function (id, text) {
      return load().then(function (real) {
        return real.render(id, text);
      });
    }
  };
})();
