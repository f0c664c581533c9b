// Swagger UI over this api's own document. Nothing leaves the page's origin: no validator badge
// (it would call validator.swagger.io), no remote configuration.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    configUrl: null,
    displayOperationId: true,
    defaultModelsExpandDepth: 0,
    persistAuthorization: false,
    withCredentials: true,
  });
});
