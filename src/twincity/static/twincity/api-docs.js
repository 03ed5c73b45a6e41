// Starts Swagger UI on /api/docs/ from a static file, so the page needs no inline script (strict CSP).
(function () {
  "use strict";

  function start() {
    var root = document.getElementById("swagger-ui");
    if (!root || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    var csrfToken = root.getAttribute("data-csrf-token");
    window.SwaggerUIBundle({
      url: root.getAttribute("data-schema-url"),
      dom_id: "#swagger-ui",
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      deepLinking: true,
      // No call to the public validator: the office's network may be closed, and nothing leaves the site.
      validatorUrl: null,
      requestInterceptor: function (request) {
        // "Try it out" with the signed-in session: Django wants the CSRF token on unsafe methods.
        var method = (request.method || "GET").toUpperCase();
        if (csrfToken && ["GET", "HEAD", "OPTIONS"].indexOf(method) === -1) {
          request.headers["X-CSRFToken"] = csrfToken;
        }
        return request;
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
