#include "namespace_api/openapi_document.hpp"

namespace index_optimizer {
namespace {

// docs/openapi.json, byte for byte (a unit test compares them; edit both together).
constexpr std::string_view k_document = R"openapi({
  "openapi": "3.1.0",
  "info": {
    "title": "index-optimizer admin API",
    "version": "0.1.0",
    "description": "The daemon's admin API: Mixpeek-compatible namespace routes (see docs/api.md) and operations endpoints. Errors use Mixpeek's envelope {\"success\": false, \"status\", \"error\": {\"message\", \"type\", \"details\"}}. Each operation's x-required-permission names the key permission it needs (admin > delete > write > read); operations with empty security are open."
  },
  "servers": [
    {
      "url": "http://127.0.0.1:8080"
    }
  ],
  "security": [
    {
      "bearer": []
    }
  ],
  "tags": [
    {
      "name": "Namespaces"
    },
    {
      "name": "Operations"
    }
  ],
  "paths": {
    "/v1/namespaces": {
      "post": {
        "tags": [
          "Namespaces"
        ],
        "summary": "Create Namespace",
        "operationId": "create_namespace",
        "description": "Creates a namespace. With Qdrant configured, the collection (infrastructure.qdrant_collection, default the namespace id) must exist; the namespace's indexes (the protected ones and payload_indexes) that Qdrant lacks are created first. Unset auto_create_indexes and infrastructure.compute_tier take the namespaces.* config defaults.",
        "x-required-permission": "write",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/CreateNamespaceRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Successful Response",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/NamespaceModel"
                }
              }
            },
            "headers": {
              "ETag": {
                "$ref": "#/components/headers/ETag"
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "description": "ForbiddenError: the key lacks the permission, or the request touches a protected index (details.field_name, details.reason)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "409": {
            "description": "AlreadyExistsError: the namespace_name is taken",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "413": {
            "description": "PayloadTooLargeError: body over http.max_body_bytes",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "502": {
            "$ref": "#/components/responses/QdrantFailed"
          },
          "503": {
            "description": "ServiceUnavailableError: Redis unavailable, or another change to the namespace still in progress (Retry-After: 1)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          }
        }
      },
      "get": {
        "tags": [
          "Namespaces"
        ],
        "summary": "List Namespaces (GET)",
        "operationId": "list_namespaces_get",
        "description": "The same list as POST /v1/namespaces/list with no body; `search` matches namespace_id, namespace_name and description (substring, case-insensitive).",
        "x-required-permission": "read",
        "parameters": [
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000,
              "default": 10
            }
          },
          {
            "name": "offset",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 0,
              "maximum": 10000,
              "default": 0
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "required": false,
            "description": "next_cursor of a previous page (opaque); wins over offset",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "include_total",
            "in": "query",
            "required": false,
            "description": "Fill pagination.total and total_pages",
            "schema": {
              "type": "boolean",
              "default": false
            }
          },
          {
            "name": "search",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Successful Response",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ListNamespacesResponse"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "description": "ForbiddenError: the key lacks the permission, or the request touches a protected index (details.field_name, details.reason)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "description": "ServiceUnavailableError: Redis unavailable, or another change to the namespace still in progress (Retry-After: 1)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          }
        }
      }
    },
    "/v1/namespaces/list": {
      "post": {
        "tags": [
          "Namespaces"
        ],
        "summary": "List Namespaces",
        "operationId": "list_namespaces",
        "description": "Lists namespaces in creation order (or by `sort`), filtered by `filters` (namespace_id, namespace_name, description, namespace_type, auto_create_indexes; a value, or one of $eq, $ne, $in, $nin, $regex — $regex takes literals, ^, $ and .*) and `search`. The body is optional.",
        "x-required-permission": "read",
        "parameters": [
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000,
              "default": 10
            }
          },
          {
            "name": "offset",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 0,
              "maximum": 10000,
              "default": 0
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "required": false,
            "description": "next_cursor of a previous page (opaque); wins over offset",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "include_total",
            "in": "query",
            "required": false,
            "description": "Fill pagination.total and total_pages",
            "schema": {
              "type": "boolean",
              "default": false
            }
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ListNamespacesRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Successful Response",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ListNamespacesResponse"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "description": "ForbiddenError: the key lacks the permission, or the request touches a protected index (details.field_name, details.reason)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "413": {
            "description": "PayloadTooLargeError: body over http.max_body_bytes",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "description": "ServiceUnavailableError: Redis unavailable, or another change to the namespace still in progress (Retry-After: 1)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          }
        }
      }
    },
    "/v1/namespaces/{namespace_identifier}": {
      "get": {
        "tags": [
          "Namespaces"
        ],
        "summary": "Get Namespace",
        "operationId": "get_namespace",
        "description": "By id or name (an id is tried first). document_count is Qdrant's points_count, null when Qdrant is not configured or does not answer.",
        "x-required-permission": "read",
        "parameters": [
          {
            "$ref": "#/components/parameters/NamespaceIdentifier"
          }
        ],
        "responses": {
          "200": {
            "description": "Successful Response",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/NamespaceModel"
                }
              }
            },
            "headers": {
              "ETag": {
                "$ref": "#/components/headers/ETag"
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "description": "ForbiddenError: the key lacks the permission, or the request touches a protected index (details.field_name, details.reason)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "description": "ServiceUnavailableError: Redis unavailable, or another change to the namespace still in progress (Retry-After: 1)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          }
        }
      },
      "put": {
        "tags": [
          "Namespaces"
        ],
        "summary": "Update Namespace",
        "operationId": "update_namespace",
        "description": "Sets namespace_name (null keeps it) and the whole user-managed payload_indexes list (null: none); both fields are required. Protected indexes stay. Index changes go to Qdrant first.",
        "x-required-permission": "write",
        "parameters": [
          {
            "$ref": "#/components/parameters/NamespaceIdentifier"
          },
          {
            "$ref": "#/components/parameters/IfMatch"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/UpdateNamespaceRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Successful Response",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/NamespaceModel"
                }
              }
            },
            "headers": {
              "ETag": {
                "$ref": "#/components/headers/ETag"
              }
            }
          },
          "400": {
            "description": "BadRequestError: malformed If-Match header",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "description": "ForbiddenError: the key lacks the permission, or the request touches a protected index (details.field_name, details.reason)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "description": "AlreadyExistsError: the namespace_name is taken",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "412": {
            "$ref": "#/components/responses/PreconditionFailed"
          },
          "413": {
            "description": "PayloadTooLargeError: body over http.max_body_bytes",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "502": {
            "$ref": "#/components/responses/QdrantFailed"
          },
          "503": {
            "description": "ServiceUnavailableError: Redis unavailable, or another change to the namespace still in progress (Retry-After: 1)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          }
        }
      },
      "patch": {
        "tags": [
          "Namespaces"
        ],
        "summary": "Partially Update Namespace",
        "operationId": "patch_namespace",
        "description": "Absent and null fields stay unchanged. payload_indexes replaces the user-managed list (protected indexes stay; touching one is 403). infrastructure replaces the object but its qdrant_collection cannot change (422). Index changes go to Qdrant first; a Qdrant failure is 502 and the namespace records only what Qdrant applied.",
        "x-required-permission": "write",
        "parameters": [
          {
            "$ref": "#/components/parameters/NamespaceIdentifier"
          },
          {
            "$ref": "#/components/parameters/IfMatch"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PatchNamespaceRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Successful Response",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/NamespaceModel"
                }
              }
            },
            "headers": {
              "ETag": {
                "$ref": "#/components/headers/ETag"
              }
            }
          },
          "400": {
            "description": "BadRequestError: malformed If-Match header",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "description": "ForbiddenError: the key lacks the permission, or the request touches a protected index (details.field_name, details.reason)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "description": "AlreadyExistsError: the namespace_name is taken",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "412": {
            "$ref": "#/components/responses/PreconditionFailed"
          },
          "413": {
            "description": "PayloadTooLargeError: body over http.max_body_bytes",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "502": {
            "$ref": "#/components/responses/QdrantFailed"
          },
          "503": {
            "description": "ServiceUnavailableError: Redis unavailable, or another change to the namespace still in progress (Retry-After: 1)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          }
        }
      },
      "delete": {
        "tags": [
          "Namespaces"
        ],
        "summary": "Delete Namespace",
        "operationId": "delete_namespace",
        "description": "Removes the namespace from the registry and its filter counts. The Qdrant collection and its indexes are not touched.",
        "x-required-permission": "admin",
        "parameters": [
          {
            "$ref": "#/components/parameters/NamespaceIdentifier"
          },
          {
            "$ref": "#/components/parameters/IfMatch"
          }
        ],
        "responses": {
          "200": {
            "description": "Successful Response",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeleteNamespaceResponse"
                }
              }
            }
          },
          "400": {
            "description": "BadRequestError: malformed If-Match header",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "description": "ForbiddenError: the key lacks the permission, or the request touches a protected index (details.field_name, details.reason)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "412": {
            "$ref": "#/components/responses/PreconditionFailed"
          },
          "503": {
            "description": "ServiceUnavailableError: Redis unavailable, or another change to the namespace still in progress (Retry-After: 1)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          }
        }
      }
    },
    "/healthz": {
      "get": {
        "tags": [
          "Operations"
        ],
        "summary": "Liveness",
        "operationId": "healthz",
        "security": [],
        "description": "200 while the process serves HTTP. Open.",
        "responses": {
          "200": {
            "description": "Successful Response",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/HealthResponse"
                }
              }
            }
          }
        }
      }
    },
    "/readyz": {
      "get": {
        "tags": [
          "Operations"
        ],
        "summary": "Readiness",
        "operationId": "readyz",
        "security": [],
        "description": "200 when Redis answers and every component makes progress, else 503 with the failing checks in error.details.checks. Open.",
        "responses": {
          "200": {
            "description": "Successful Response",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReadyResponse"
                }
              }
            }
          },
          "503": {
            "description": "ServiceUnavailableError: not ready",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorResponse"
                }
              }
            }
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "tags": [
          "Operations"
        ],
        "summary": "Prometheus metrics",
        "operationId": "metrics",
        "security": [],
        "description": "Prometheus text exposition format 0.0.4. Open.",
        "responses": {
          "200": {
            "description": "Metrics",
            "content": {
              "text/plain; version=0.0.4": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/openapi.json": {
      "get": {
        "tags": [
          "Operations"
        ],
        "summary": "This document",
        "operationId": "openapi",
        "security": [],
        "description": "The daemon's OpenAPI 3.1 document. Open: it holds no data.",
        "responses": {
          "200": {
            "description": "OpenAPI document",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "Authorization: Bearer <key>; keys are configured as SHA-256 hashes (auth.keys)."
      }
    },
    "parameters": {
      "NamespaceIdentifier": {
        "name": "namespace_identifier",
        "in": "path",
        "required": true,
        "description": "Either the namespace name or namespace ID",
        "schema": {
          "type": "string",
          "examples": [
            "my_namespace",
            "ns_1234567890"
          ]
        }
      },
      "IfMatch": {
        "name": "If-Match",
        "in": "header",
        "required": false,
        "description": "An ETag from a previous response (\"3\"), a list of them, or *. A namespace whose version differs answers 412 and nothing changes.",
        "schema": {
          "type": "string",
          "examples": [
            "\"3\""
          ]
        }
      }
    },
    "headers": {
      "ETag": {
        "description": "The namespace's version as a strong entity tag; send it back in If-Match.",
        "schema": {
          "type": "string",
          "examples": [
            "\"3\""
          ]
        }
      }
    },
    "responses": {
      "Unauthorized": {
        "description": "UnauthorizedError: no or unknown key",
        "headers": {
          "WWW-Authenticate": {
            "schema": {
              "type": "string",
              "const": "Bearer"
            }
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/ErrorResponse"
            }
          }
        }
      },
      "NotFound": {
        "description": "NotFoundError: details {resource: namespace, id}",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/ErrorResponse"
            },
            "examples": {
              "not_found": {
                "value": {
                  "success": false,
                  "status": 404,
                  "error": {
                    "message": "Namespace not found",
                    "type": "NotFoundError",
                    "details": {
                      "resource": "namespace",
                      "id": "ns_123"
                    }
                  }
                }
              }
            }
          }
        }
      },
      "PreconditionFailed": {
        "description": "PreconditionFailedError: If-Match names another version; ETag and details.current_etag carry the current one",
        "headers": {
          "ETag": {
            "$ref": "#/components/headers/ETag"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/ErrorResponse"
            }
          }
        }
      },
      "ValidationFailed": {
        "description": "ValidationError: every field error at once",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/ValidationErrorResponse"
            }
          }
        }
      },
      "QdrantFailed": {
        "description": "BadGatewayError: Qdrant did not apply every index change; details list each operation",
        "content": {
          "application/json": {
            "schema": {
              "allOf": [
                {
                  "$ref": "#/components/schemas/ErrorResponse"
                },
                {
                  "properties": {
                    "error": {
                      "properties": {
                        "details": {
                          "$ref": "#/components/schemas/IndexChangeFailure"
                        }
                      }
                    }
                  }
                }
              ]
            }
          }
        }
      }
    },
    "schemas": {
      "BaseFeatureExtractorModel-Input": {
        "properties": {
          "feature_extractor_name": {
            "type": "string",
            "title": "Feature Extractor Name",
            "description": "Name of the feature extractor"
          },
          "version": {
            "type": "string",
            "title": "Version",
            "description": "Version of the feature extractor"
          },
          "params": {
            "anyOf": [
              {
                "additionalProperties": true,
                "type": "object"
              },
              {
                "type": "null"
              }
            ],
            "title": "Params",
            "description": "Optional extractor parameters that affect vector index configuration. Parameters set here are locked at namespace creation and determine vector dimensions in Qdrant. Collections using this extractor must use compatible params. Example: {'model': 'siglip_base'}"
          }
        },
        "type": "object",
        "required": [
          "feature_extractor_name",
          "version"
        ],
        "title": "BaseFeatureExtractorModel",
        "description": "Minimum feature extractor definition."
      },
      "BaseFeatureExtractorModel-Output": {
        "properties": {
          "feature_extractor_name": {
            "type": "string",
            "title": "Feature Extractor Name",
            "description": "Name of the feature extractor"
          },
          "version": {
            "type": "string",
            "title": "Version",
            "description": "Version of the feature extractor"
          },
          "params": {
            "anyOf": [
              {
                "additionalProperties": true,
                "type": "object"
              },
              {
                "type": "null"
              }
            ],
            "title": "Params",
            "description": "Optional extractor parameters that affect vector index configuration. Parameters set here are locked at namespace creation and determine vector dimensions in Qdrant. Collections using this extractor must use compatible params. Example: {'model': 'siglip_base'}"
          },
          "feature_extractor_id": {
            "type": "string",
            "title": "Feature Extractor Id",
            "description": "Construct unique identifier for the feature extractor instance (name + version).",
            "readOnly": true
          }
        },
        "type": "object",
        "required": [
          "feature_extractor_name",
          "version",
          "feature_extractor_id"
        ],
        "title": "BaseFeatureExtractorModel",
        "description": "Minimum feature extractor definition."
      },
      "BoolIndexParams": {
        "properties": {
          "type": {
            "type": "string",
            "title": "Type",
            "default": "bool"
          }
        },
        "type": "object",
        "title": "BoolIndexParams",
        "description": "Configuration for boolean index."
      },
      "ComputeTier": {
        "type": "string",
        "enum": [
          "shared",
          "dedicated_cpu",
          "dedicated_gpu"
        ],
        "title": "ComputeTier",
        "description": "Available compute tiers for namespace workloads.\n\nCompute tiers determine the infrastructure resources allocated to a namespace\nfor ingestion pipelines, clustering, and other data processing operations.\n\nTiers:\n    SHARED: Multi-tenant infrastructure with dynamic resource allocation.\n        - Best for: Development, testing, low-volume production workloads\n        - Resources: Shared CPU and memory pool\n        - Cost: Lowest cost option, pay-per-use credits\n        - SLA: Best-effort availability\n\n    DEDICATED_CPU: Single-tenant CPU compute nodes.\n        - Best for: Production workloads requiring consistent performance\n        - Resources: Reserved CPU cores and memory\n        - Cost: Fixed monthly cost plus usage credits\n        - SLA: 99.9% uptime guarantee\n\n    DEDICATED_GPU: Single-tenant GPU-accelerated compute nodes.\n        - Best for: Video processing, embedding generation, ML inference\n        - Resources: Reserved GPU(s), CPU cores, and memory\n        - Cost: Premium pricing, fixed monthly cost plus usage credits\n        - SLA: 99.9% uptime guarantee\n\nExamples:\n    - Use SHARED for development and staging environments\n    - Use DEDICATED_CPU for production document processing pipelines\n    - Use DEDICATED_GPU for large-scale video ingestion and analysis"
      },
      "CreateNamespaceRequest": {
        "properties": {
          "namespace_name": {
            "type": "string",
            "title": "Namespace Name",
            "description": "Name of the namespace to create",
            "example": "spotify_playlists_dev"
          },
          "namespace_type": {
            "anyOf": [
              {
                "$ref": "#/components/schemas/NamespaceType"
              },
              {
                "type": "null"
              }
            ],
            "description": "Type of namespace. STANDARD for regular namespaces, MARKETPLACE for curated datasets.",
            "default": "standard"
          },
          "description": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Description",
            "description": "Description of the namespace",
            "example": "This namespace contains playlists from Spotify"
          },
          "feature_extractors": {
            "items": {
              "$ref": "#/components/schemas/BaseFeatureExtractorModel-Input"
            },
            "type": "array",
            "minItems": 1,
            "title": "Feature Extractors",
            "description": "List of feature extractors to use. At least one feature extractor must be provided. Optional 'params' can be specified for extractors with configurable settings (e.g., model selection) that affect vector dimensions. These params are locked at namespace creation time.",
            "example": [
              {
                "feature_extractor_id": "multimodal_extractor_v1",
                "feature_extractor_name": "multimodal_extractor",
                "version": "v1"
              },
              {
                "feature_extractor_id": "image_extractor_v1",
                "feature_extractor_name": "image_extractor",
                "params": {
                  "model": "siglip_base"
                },
                "version": "v1"
              }
            ]
          },
          "payload_indexes": {
            "anyOf": [
              {
                "items": {
                  "$ref": "#/components/schemas/PayloadIndexConfig-Input"
                },
                "type": "array"
              },
              {
                "type": "null"
              }
            ],
            "title": "Payload Indexes",
            "description": "Optional list of custom payload index configurations. Indexes required by selected feature extractors will be added automatically.",
            "example": [
              {
                "field_name": "metadata.title",
                "field_schema": {
                  "lowercase": true,
                  "max_token_len": 15,
                  "min_token_len": 2,
                  "tokenizer": "word",
                  "type": "text"
                },
                "is_protected": false,
                "type": "text"
              },
              {
                "field_name": "metadata.description",
                "field_schema": {
                  "is_tenant": true,
                  "type": "keyword"
                },
                "is_protected": false,
                "type": "keyword"
              }
            ]
          },
          "auto_create_indexes": {
            "anyOf": [
              {
                "type": "boolean"
              },
              {
                "type": "null"
              }
            ],
            "title": "Auto Create Indexes",
            "description": "Enable automatic creation of Qdrant payload indexes based on filter usage patterns. When enabled, the system tracks which fields are most frequently filtered (>100 queries/24h) and automatically creates indexes to improve query performance. Background task runs every 6 hours. Expected performance improvement: 50-90% latency reduction for filtered queries.",
            "default": false,
            "example": true
          },
          "infrastructure": {
            "anyOf": [
              {
                "$ref": "#/components/schemas/NamespaceInfrastructure"
              },
              {
                "type": "null"
              }
            ],
            "description": "Optional dedicated infrastructure configuration for this namespace. Required for custom plugins and custom models (Enterprise tier). If None, uses shared infrastructure or organization-level infrastructure."
          }
        },
        "type": "object",
        "required": [
          "namespace_name",
          "feature_extractors"
        ],
        "title": "CreateNamespaceRequest",
        "description": "Request schema for creating a new namespace."
      },
      "DatetimeIndexParams": {
        "properties": {
          "type": {
            "type": "string",
            "title": "Type",
            "default": "datetime"
          }
        },
        "type": "object",
        "title": "DatetimeIndexParams",
        "description": "Configuration for datetime index."
      },
      "ErrorDetail": {
        "properties": {
          "message": {
            "type": "string",
            "title": "Message",
            "description": "Human-readable error message"
          },
          "type": {
            "type": "string",
            "title": "Type",
            "description": "Stable error type identifier (machine-readable)"
          },
          "details": {
            "anyOf": [
              {
                "additionalProperties": true,
                "type": "object"
              },
              {
                "type": "null"
              }
            ],
            "title": "Details",
            "description": "Optional structured details to help debugging (validation errors, IDs, etc.)"
          }
        },
        "type": "object",
        "required": [
          "message",
          "type"
        ],
        "title": "ErrorDetail",
        "description": "Error detail model."
      },
      "ErrorResponse": {
        "properties": {
          "success": {
            "type": "boolean",
            "title": "Success",
            "description": "Always false for error responses",
            "default": false
          },
          "status": {
            "type": "integer",
            "title": "Status",
            "description": "HTTP status code for this error"
          },
          "error": {
            "$ref": "#/components/schemas/ErrorDetail",
            "description": "Error details payload"
          }
        },
        "type": "object",
        "required": [
          "status",
          "error"
        ],
        "title": "ErrorResponse",
        "description": "Error response model.",
        "examples": [
          {
            "error": {
              "details": {
                "id": "ns_123",
                "resource": "namespace"
              },
              "message": "Namespace not found",
              "type": "NotFoundError"
            },
            "status": 404,
            "success": false
          }
        ]
      },
      "FloatIndexParams": {
        "properties": {
          "type": {
            "type": "string",
            "title": "Type",
            "default": "float"
          }
        },
        "type": "object",
        "title": "FloatIndexParams",
        "description": "Configuration for float index."
      },
      "GeoIndexParams": {
        "properties": {
          "type": {
            "type": "string",
            "title": "Type",
            "default": "geo"
          }
        },
        "type": "object",
        "title": "GeoIndexParams",
        "description": "Configuration for geo index."
      },
      "IntegerIndexParams": {
        "properties": {
          "type": {
            "type": "string",
            "title": "Type",
            "default": "integer"
          },
          "lookup": {
            "type": "boolean",
            "title": "Lookup",
            "default": true
          },
          "range": {
            "type": "boolean",
            "title": "Range",
            "default": true
          }
        },
        "type": "object",
        "title": "IntegerIndexParams",
        "description": "Configuration for integer index."
      },
      "KeywordIndexParams": {
        "properties": {
          "type": {
            "type": "string",
            "title": "Type",
            "default": "keyword"
          },
          "is_tenant": {
            "type": "boolean",
            "title": "Is Tenant",
            "default": false
          }
        },
        "type": "object",
        "title": "KeywordIndexParams",
        "description": "Configuration for keyword index."
      },
      "ListNamespacesRequest": {
        "properties": {
          "filters": {
            "anyOf": [
              {
                "additionalProperties": true,
                "type": "object"
              },
              {
                "type": "null"
              }
            ],
            "title": "Filters",
            "description": "Optional filters to apply to the namespace list. Supports filtering by namespace_id or namespace_name.",
            "example": {
              "namespace_id": "ns_abc123",
              "namespace_name": {
                "$regex": "^my_namespace"
              }
            }
          },
          "sort": {
            "anyOf": [
              {
                "additionalProperties": true,
                "type": "object"
              },
              {
                "type": "null"
              }
            ],
            "title": "Sort",
            "description": "Optional sort criteria for the namespace list.",
            "example": {
              "direction": "asc",
              "field": "namespace_name"
            }
          },
          "search": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Search",
            "description": "Search term for wildcard search across namespace_id, namespace_name, description, and other text fields.",
            "example": "ns_abc123"
          },
          "case_sensitive": {
            "type": "boolean",
            "title": "Case Sensitive",
            "description": "If True, filters and search will be case-sensitive",
            "default": false
          }
        },
        "type": "object",
        "title": "ListNamespacesRequest",
        "description": "Request schema for listing namespaces.",
        "examples": [
          {
            "filters": {
              "namespace_id": "ns_abc123"
            },
            "sort": {
              "direction": "asc",
              "field": "namespace_name"
            }
          },
          {
            "search": "ns_abc123"
          }
        ]
      },
      "ListNamespacesResponse": {
        "properties": {
          "results": {
            "items": {
              "$ref": "#/components/schemas/NamespaceModel"
            },
            "type": "array",
            "title": "Results",
            "description": "List of namespaces matching the query"
          },
          "pagination": {
            "$ref": "#/components/schemas/PaginationResponse",
            "description": "Pagination information for the current result window"
          },
          "total_count": {
            "type": "integer",
            "title": "Total Count",
            "description": "Total number of namespaces that match the query"
          },
          "stats": {
            "anyOf": [
              {
                "$ref": "#/components/schemas/NamespaceListStats"
              },
              {
                "type": "null"
              }
            ],
            "description": "Aggregate statistics across all namespaces in the result"
          }
        },
        "type": "object",
        "required": [
          "results",
          "pagination",
          "total_count"
        ],
        "title": "ListNamespacesResponse",
        "description": "Response schema for listing namespaces.",
        "examples": [
          {
            "pagination": {
              "has_more": false,
              "limit": 10,
              "skip": 0
            },
            "results": [
              {
                "created_at": "2024-01-15T10:30:00Z",
                "description": "This namespace contains playlists from Spotify",
                "feature_extractors": [
                  {
                    "feature_extractor_name": "multimodal_extractor",
                    "version": "v1"
                  },
                  {
                    "feature_extractor_name": "image_extractor",
                    "params": {
                      "model": "siglip_base"
                    },
                    "version": "v1"
                  }
                ],
                "namespace_id": "ns_ab12cd34ef",
                "namespace_name": "spotify_playlists_dev",
                "payload_indexes": [
                  {
                    "field_name": "metadata.title",
                    "type": "text"
                  }
                ],
                "updated_at": "2024-01-15T10:30:00Z"
              }
            ],
            "total_count": 1
          }
        ]
      },
      "NamespaceInfrastructure": {
        "properties": {
          "ray_cluster_id": {
            "anyOf": [
              {
                "type": "string",
                "pattern": "^ray_[a-zA-Z0-9_]{3,64}$"
              },
              {
                "type": "null"
              }
            ],
            "title": "Ray Cluster Id",
            "description": "Dedicated Ray cluster identifier for this namespace.",
            "examples": [
              "ray_shared",
              "ray_prod_gpu_cluster",
              null
            ]
          },
          "ray_head_node_url": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Ray Head Node Url",
            "description": "Ray head node address for job submission (ray://host:port).",
            "examples": [
              "ray://shared-cluster:10001",
              "ray://gpu-cluster-head:10001"
            ]
          },
          "ray_dashboard_url": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Ray Dashboard Url",
            "description": "Ray dashboard URL for monitoring (http://host:8265).",
            "examples": [
              "http://ray-dashboard-prod:8265"
            ]
          },
          "qdrant_url": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Qdrant Url",
            "description": "Dedicated Qdrant instance URL for this namespace. When set, this namespace uses its own Qdrant instance instead of organization or shared infrastructure. Format: http://hostname:port or https://hostname:port. REQUIRED when compute_tier is DEDICATED_CPU or DEDICATED_GPU. NOT REQUIRED for SHARED tier (inherits from organization or uses shared).",
            "examples": [
              "http://qdrant-ns-prod:6333",
              "https://qdrant-namespace.example.com:6333"
            ]
          },
          "qdrant_api_key": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Qdrant Api Key",
            "description": "API key for dedicated Qdrant instance. REQUIRED when qdrant_url is set. NOT REQUIRED for shared tier.",
            "examples": [
              "qdrant_key_namespace_123"
            ]
          },
          "qdrant_collection": {
            "type": "string",
            "maxLength": 128,
            "minLength": 3,
            "title": "Qdrant Collection",
            "description": "Qdrant collection backing this namespace's vector data.",
            "examples": [
              "ns_production",
              "ns_ml_inference"
            ]
          },
          "compute_tier": {
            "$ref": "#/components/schemas/ComputeTier",
            "description": "Compute tier controlling isolation and performance characteristics.",
            "default": "shared",
            "examples": [
              "shared",
              "dedicated_cpu",
              "dedicated_gpu"
            ]
          },
          "max_concurrent_jobs": {
            "type": "integer",
            "maximum": 1000.0,
            "minimum": 1.0,
            "title": "Max Concurrent Jobs",
            "description": "Maximum concurrent Ray jobs allowed for the namespace.",
            "default": 10,
            "examples": [
              10,
              50,
              20
            ]
          },
          "autoscaling_enabled": {
            "type": "boolean",
            "title": "Autoscaling Enabled",
            "description": "Toggle autoscaling for dedicated clusters (ignored for shared tier).",
            "default": true
          },
          "min_workers": {
            "type": "integer",
            "maximum": 100.0,
            "minimum": 0.0,
            "title": "Min Workers",
            "description": "Lower bound for Ray workers when autoscaling is enabled.",
            "default": 1
          },
          "max_workers": {
            "type": "integer",
            "maximum": 100.0,
            "minimum": 1.0,
            "title": "Max Workers",
            "description": "Upper bound for Ray workers when autoscaling is enabled.",
            "default": 10
          },
          "gpu_type": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Gpu Type",
            "description": "GPU type for dedicated GPU clusters (e.g. A100, T4).",
            "examples": [
              "A100",
              "T4",
              null
            ]
          },
          "gpus_per_worker": {
            "type": "integer",
            "maximum": 8.0,
            "minimum": 0.0,
            "title": "Gpus Per Worker",
            "description": "Number of GPUs allocated to each Ray worker when using GPUs.",
            "default": 1
          },
          "s3_plugin_bucket": {
            "type": "string",
            "title": "S3 Plugin Bucket",
            "description": "S3 bucket for storing custom plugins and model weights.",
            "default": "mixpeek-plugins"
          },
          "s3_plugin_prefix": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "S3 Plugin Prefix",
            "description": "S3 prefix for namespace-scoped plugin storage. Format: {namespace_id}/ when custom plugins are enabled.",
            "examples": [
              "ns_abc123/"
            ]
          },
          "max_custom_plugins": {
            "type": "integer",
            "maximum": 100.0,
            "minimum": 0.0,
            "title": "Max Custom Plugins",
            "description": "Maximum number of custom plugins allowed for this namespace. 0 = custom plugins disabled (shared tier). Set to >0 for dedicated tiers to enable custom plugins.",
            "default": 0
          },
          "max_custom_models": {
            "type": "integer",
            "maximum": 50.0,
            "minimum": 0.0,
            "title": "Max Custom Models",
            "description": "Maximum number of custom model weights allowed for this namespace. 0 = custom models disabled (shared tier). Set to >0 for dedicated tiers to enable custom model uploads.",
            "default": 0
          }
        },
        "type": "object",
        "required": [
          "qdrant_collection"
        ],
        "title": "NamespaceInfrastructure",
        "description": "Infrastructure configuration associated with a namespace.\n\nDefines infrastructure resources for a specific namespace. This configuration\ncan override organization-level defaults, enabling flexible deployment patterns\nwhere different namespaces use different infrastructure.\n\nResolution Priority:\n    When a namespace has infrastructure configured with DEDICATED tier, it takes\n    precedence over organization-level infrastructure. This allows:\n    - ENTERPRISE org with SHARED namespace (cost savings for dev/test)\n    - ENTERPRISE org with dedicated GPU namespace (ML workloads)\n    - Mixed infrastructure within a single organization\n\nTier Behaviors:\n    SHARED:\n        - Namespace uses organization infrastructure (if configured)\n        - Falls back to Mixpeek's shared infrastructure\n        - All infrastructure URLs should be None\n        - Lowest cost, multi-tenant\n\n    DEDICATED_CPU:\n        - Namespace uses its own dedicated CPU infrastructure\n        - Requires qdrant_url, qdrant_api_key, ray_head_node_url\n        - Single-tenant CPU compute\n        - Medium cost\n\n    DEDICATED_GPU:\n        - Namespace uses its own dedicated GPU infrastructure\n        - Requires qdrant_url, qdrant_api_key, ray_head_node_url\n        - Requires gpu_type and gpus_per_worker configuration\n        - Single-tenant GPU compute\n        - Highest cost\n\nUse Cases:\n    - Development namespace: Set compute_tier=SHARED to use organization's infrastructure\n    - Production namespace: Inherit organization's DEDICATED infrastructure (don't override)\n    - ML namespace: Override with DEDICATED_GPU and GPU configuration\n    - Cost optimization: Override ENTERPRISE org to SHARED for dev/test namespaces\n\nExamples:\n    Inherits organization infrastructure (no override):\n        NamespaceInfrastructure(\n            qdrant_collection=\"ns_production\",\n            compute_tier=ComputeTier.SHARED  # Uses org or shared infrastructure\n        )\n\n    Override to dedicated CPU:\n        NamespaceInfrastructure(\n            qdrant_url=\"http://qdrant-ns-prod:6333\",\n            qdrant_api_key=\"qdrant_key_ns_123\",\n            qdrant_collection=\"ns_production\",\n            ray_head_node_url=\"ray://ray-ns-prod:10001\",\n            ray_dashboard_url=\"http://ray-ns-dashboard:8265\",\n            compute_tier=ComputeTier.DEDICATED_CPU,\n            max_concurrent_jobs=50\n        )\n\n    Override to dedicated GPU:\n        NamespaceInfrastructure(\n            qdrant_url=\"http://qdrant-gpu:6333\",\n            qdrant_api_key=\"qdrant_key_gpu\",\n            qdrant_collection=\"ns_ml\",\n            ray_head_node_url=\"ray://ray-gpu:10001\",\n            compute_tier=ComputeTier.DEDICATED_GPU,\n            gpu_type=\"A100\",\n            gpus_per_worker=2\n        )",
        "examples": [
          {
            "autoscaling_enabled": false,
            "compute_tier": "shared",
            "description": "Shared development namespace",
            "max_concurrent_jobs": 10,
            "qdrant_collection": "ns_dev",
            "ray_head_node_url": "ray://shared-cluster:10001"
          },
          {
            "autoscaling_enabled": true,
            "compute_tier": "dedicated_cpu",
            "description": "Dedicated production CPU cluster",
            "max_concurrent_jobs": 50,
            "max_workers": 20,
            "min_workers": 3,
            "qdrant_collection": "ns_production",
            "ray_cluster_id": "ray_prod_cluster",
            "ray_dashboard_url": "http://prod-dashboard:8265",
            "ray_head_node_url": "ray://prod-head:10001"
          }
        ]
      },
      "NamespaceListStats": {
        "properties": {
          "total_feature_extractors": {
            "type": "integer",
            "title": "Total Feature Extractors",
            "description": "Total number of feature extractors across all namespaces",
            "default": 0
          },
          "total_payload_indexes": {
            "type": "integer",
            "title": "Total Payload Indexes",
            "description": "Total number of payload indexes across all namespaces",
            "default": 0
          },
          "total_documents": {
            "type": "integer",
            "title": "Total Documents",
            "description": "Total number of documents across all namespaces",
            "default": 0
          },
          "total_buckets": {
            "type": "integer",
            "title": "Total Buckets",
            "description": "Total number of buckets across all namespaces",
            "default": 0
          },
          "total_collections": {
            "type": "integer",
            "title": "Total Collections",
            "description": "Total number of collections across all namespaces",
            "default": 0
          },
          "total_objects": {
            "type": "integer",
            "title": "Total Objects",
            "description": "Total number of objects across all namespaces",
            "default": 0
          },
          "avg_feature_extractors_per_namespace": {
            "type": "number",
            "title": "Avg Feature Extractors Per Namespace",
            "description": "Average number of feature extractors per namespace",
            "default": 0.0
          },
          "avg_payload_indexes_per_namespace": {
            "type": "number",
            "title": "Avg Payload Indexes Per Namespace",
            "description": "Average number of payload indexes per namespace",
            "default": 0.0
          },
          "avg_documents_per_namespace": {
            "type": "number",
            "title": "Avg Documents Per Namespace",
            "description": "Average number of documents per namespace",
            "default": 0.0
          },
          "avg_buckets_per_namespace": {
            "type": "number",
            "title": "Avg Buckets Per Namespace",
            "description": "Average number of buckets per namespace",
            "default": 0.0
          },
          "avg_collections_per_namespace": {
            "type": "number",
            "title": "Avg Collections Per Namespace",
            "description": "Average number of collections per namespace",
            "default": 0.0
          },
          "avg_objects_per_namespace": {
            "type": "number",
            "title": "Avg Objects Per Namespace",
            "description": "Average number of objects per namespace",
            "default": 0.0
          }
        },
        "type": "object",
        "title": "NamespaceListStats",
        "description": "Aggregate statistics for a list of namespaces."
      },
      "NamespaceModel": {
        "properties": {
          "namespace_id": {
            "type": "string",
            "title": "Namespace Id",
            "description": "Unique identifier for the namespace"
          },
          "namespace_name": {
            "type": "string",
            "title": "Namespace Name",
            "description": "Name of the namespace",
            "example": "spotify_playlists_dev"
          },
          "namespace_type": {
            "$ref": "#/components/schemas/NamespaceType",
            "description": "Type of namespace. STANDARD for regular namespaces, MARKETPLACE for curated datasets that can be subscribed to.",
            "default": "standard"
          },
          "infrastructure": {
            "anyOf": [
              {
                "$ref": "#/components/schemas/NamespaceInfrastructure"
              },
              {
                "type": "null"
              }
            ],
            "description": "Infrastructure configuration for the namespace (Ray, Qdrant)."
          },
          "cluster_id": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Cluster Id",
            "description": "Infrastructure cluster ID for this namespace (Enterprise only). When set, this namespace uses dedicated Anyscale/Ray + Qdrant cluster. If None, uses shared infrastructure or organization-level infrastructure. Format: iclstr_xxx",
            "examples": [
              "iclstr_abc123xyz",
              null
            ]
          },
          "description": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Description",
            "description": "Description of the namespace"
          },
          "feature_extractors": {
            "items": {
              "$ref": "#/components/schemas/BaseFeatureExtractorModel-Output"
            },
            "type": "array",
            "title": "Feature Extractors",
            "description": "List of feature extractors configured for this namespace"
          },
          "payload_indexes": {
            "anyOf": [
              {
                "items": {
                  "$ref": "#/components/schemas/PayloadIndexConfig-Output"
                },
                "type": "array"
              },
              {
                "type": "null"
              }
            ],
            "title": "Payload Indexes",
            "description": "Custom payload indexes configured for this namespace"
          },
          "document_count": {
            "anyOf": [
              {
                "type": "integer"
              },
              {
                "type": "null"
              }
            ],
            "title": "Document Count",
            "description": "Total number of documents in this namespace (from Qdrant collection)"
          },
          "bucket_count": {
            "anyOf": [
              {
                "type": "integer"
              },
              {
                "type": "null"
              }
            ],
            "title": "Bucket Count",
            "description": "Total number of buckets in this namespace"
          },
          "collection_count": {
            "anyOf": [
              {
                "type": "integer"
              },
              {
                "type": "null"
              }
            ],
            "title": "Collection Count",
            "description": "Total number of collections in this namespace"
          },
          "object_count": {
            "anyOf": [
              {
                "type": "integer"
              },
              {
                "type": "null"
              }
            ],
            "title": "Object Count",
            "description": "Total number of objects across all buckets in this namespace"
          },
          "auto_create_indexes": {
            "type": "boolean",
            "title": "Auto Create Indexes",
            "description": "Enable automatic creation of Qdrant payload indexes based on filter usage patterns. When enabled, the system tracks which fields are most frequently filtered (>100 queries/24h) and automatically creates indexes to improve query performance. Background task runs every 6 hours. Expected performance improvement: 50-90% latency reduction for filtered queries.",
            "default": false
          },
          "vector_inference_map": {
            "anyOf": [
              {
                "additionalProperties": {
                  "type": "string"
                },
                "type": "object"
              },
              {
                "type": "null"
              }
            ],
            "title": "Vector Inference Map",
            "description": "Mapping of vector index names to inference service names. Built at namespace creation based on extractor configurations. Used by feature search to determine correct inference service for queries. Example: {'image_extractor_v1_embedding': 'google_siglip_base_v1'}"
          },
          "created_at": {
            "anyOf": [
              {
                "type": "string",
                "format": "date-time"
              },
              {
                "type": "null"
              }
            ],
            "title": "Created At",
            "description": "When the namespace was created"
          },
          "updated_at": {
            "anyOf": [
              {
                "type": "string",
                "format": "date-time"
              },
              {
                "type": "null"
              }
            ],
            "title": "Updated At",
            "description": "When the namespace was last updated"
          }
        },
        "type": "object",
        "required": [
          "namespace_name"
        ],
        "title": "NamespaceModel",
        "description": "Namespace model."
      },
      "NamespaceType": {
        "type": "string",
        "enum": [
          "standard",
          "marketplace"
        ],
        "title": "NamespaceType",
        "description": "Type of namespace defining its access control and billing model."
      },
      "PaginationResponse": {
        "properties": {
          "total": {
            "anyOf": [
              {
                "type": "integer"
              },
              {
                "type": "null"
              }
            ],
            "title": "Total"
          },
          "page": {
            "anyOf": [
              {
                "type": "integer"
              },
              {
                "type": "null"
              }
            ],
            "title": "Page"
          },
          "page_size": {
            "anyOf": [
              {
                "type": "integer"
              },
              {
                "type": "null"
              }
            ],
            "title": "Page Size"
          },
          "total_pages": {
            "anyOf": [
              {
                "type": "integer"
              },
              {
                "type": "null"
              }
            ],
            "title": "Total Pages"
          },
          "next_page": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Next Page"
          },
          "previous_page": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Previous Page"
          },
          "next_cursor": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Next Cursor"
          }
        },
        "type": "object",
        "title": "PaginationResponse",
        "description": "PaginationResponse.\n\nCursor-based pagination response:\n- Use next_cursor for navigation\n- Total count fields only populated when include_total=true"
      },
      "PatchNamespaceRequest": {
        "properties": {
          "namespace_name": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Namespace Name",
            "description": "Updated name for the namespace",
            "example": "spotify_playlists_prod"
          },
          "description": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Description",
            "description": "Updated description for the namespace"
          },
          "payload_indexes": {
            "anyOf": [
              {
                "items": {
                  "$ref": "#/components/schemas/PayloadIndexConfig-Input"
                },
                "type": "array"
              },
              {
                "type": "null"
              }
            ],
            "title": "Payload Indexes",
            "description": "Updated list of custom payload indexes for this namespace."
          },
          "auto_create_indexes": {
            "anyOf": [
              {
                "type": "boolean"
              },
              {
                "type": "null"
              }
            ],
            "title": "Auto Create Indexes",
            "description": "Enable automatic creation of Qdrant payload indexes based on filter usage patterns. When enabled, the system tracks which fields are most frequently filtered (>100 queries/24h) and automatically creates indexes to improve query performance. Background task runs every 6 hours. Expected performance improvement: 50-90% latency reduction for filtered queries. Default: False.",
            "example": true
          },
          "infrastructure": {
            "anyOf": [
              {
                "$ref": "#/components/schemas/NamespaceInfrastructure"
              },
              {
                "type": "null"
              }
            ],
            "description": "Infrastructure configuration for this namespace. Set compute_tier to 'dedicated_cpu' or 'dedicated_gpu' and max_custom_models > 0 to enable custom model uploads. Requires Enterprise account."
          }
        },
        "type": "object",
        "title": "PatchNamespaceRequest",
        "description": "Request schema for partially updating a namespace (PATCH operation)."
      },
      "PayloadIndexConfig-Input": {
        "properties": {
          "field_name": {
            "type": "string",
            "maxLength": 255,
            "minLength": 1,
            "title": "Field Name",
            "description": "Name of the payload field to index. Must be unique within the namespace. Use dot notation for nested fields (e.g., 'metadata.title'). Cannot use protected system field names when is_protected=False.",
            "examples": [
              "metadata.title",
              "user_id",
              "tags"
            ]
          },
          "type": {
            "$ref": "#/components/schemas/PayloadSchemaType",
            "description": "Data type of the indexed field. Determines query capabilities and storage optimization. TEXT: Full-text search. KEYWORD: Exact matching, filtering. INTEGER/FLOAT: Range queries, sorting. DATETIME: Temporal queries. GEO: Geospatial queries. BOOL: Boolean filtering. UUID: Unique identifier matching."
          },
          "field_schema": {
            "anyOf": [
              {
                "$ref": "#/components/schemas/TextIndexParams"
              },
              {
                "$ref": "#/components/schemas/IntegerIndexParams"
              },
              {
                "$ref": "#/components/schemas/KeywordIndexParams"
              },
              {
                "$ref": "#/components/schemas/FloatIndexParams"
              },
              {
                "$ref": "#/components/schemas/GeoIndexParams"
              },
              {
                "$ref": "#/components/schemas/DatetimeIndexParams"
              },
              {
                "$ref": "#/components/schemas/UuidIndexParams"
              },
              {
                "$ref": "#/components/schemas/BoolIndexParams"
              },
              {
                "type": "null"
              }
            ],
            "title": "Field Schema",
            "description": "Optional schema configuration for the index. If not provided, uses default parameters for the specified type. Different types support different parameters (e.g., KeywordIndexParams.is_tenant)."
          },
          "is_protected": {
            "type": "boolean",
            "title": "Is Protected",
            "description": "Whether this index is system-managed and cannot be modified by users. Protected indexes (is_protected=True) are created automatically by Mixpeek and are essential for internal operations like tenant isolation, lineage tracking, and document management. Users cannot create, modify, or delete protected indexes. User-created indexes always have is_protected=False.",
            "default": false
          }
        },
        "type": "object",
        "required": [
          "field_name",
          "type"
        ],
        "title": "PayloadIndexConfig",
        "description": "Configuration for a payload index.\n\nDefines the structure and behavior of a payload field index in Qdrant collections.\nPayload indexes enable efficient filtering and searching on document metadata.\n\nProtected Indexes:\n    System-managed indexes (is_protected=True) cannot be modified or deleted by users.\n    These are essential for Mixpeek's internal operations:\n    - internal_id: Tenant isolation\n    - namespace_id: Namespace scoping\n    - collection_id, document_id: Document lineage\n    - bucket_id, object_id, root_object_id, root_bucket_id, source_object_id: Object lineage\n    - created_at, updated_at: Timestamps\n\nUse Cases:\n    - Create custom metadata indexes for efficient filtering\n    - Configure full-text search on text fields\n    - Set up geospatial queries on location data\n    - Enable range queries on numeric fields\n\nRequirements:\n    - field_name: REQUIRED - Must be unique within the namespace\n    - type: REQUIRED - Must match PayloadSchemaType enum\n    - field_schema: OPTIONAL - Auto-generated from type if not provided\n    - is_protected: OPTIONAL - Defaults to False (user-managed index)",
        "examples": [
          {
            "description": "User-created text index for full-text search",
            "field_name": "metadata.description",
            "is_protected": false,
            "type": "text"
          },
          {
            "description": "User-created keyword index for exact filtering",
            "field_name": "user_id",
            "is_protected": false,
            "type": "keyword"
          },
          {
            "description": "System-managed protected index (created automatically)",
            "field_name": "internal_id",
            "field_schema": {
              "is_tenant": true
            },
            "is_protected": true,
            "type": "keyword"
          }
        ]
      },
      "PayloadIndexConfig-Output": {
        "properties": {
          "field_name": {
            "type": "string",
            "maxLength": 255,
            "minLength": 1,
            "title": "Field Name",
            "description": "Name of the payload field to index. Must be unique within the namespace. Use dot notation for nested fields (e.g., 'metadata.title'). Cannot use protected system field names when is_protected=False.",
            "examples": [
              "metadata.title",
              "user_id",
              "tags"
            ]
          },
          "type": {
            "$ref": "#/components/schemas/PayloadSchemaType",
            "description": "Data type of the indexed field. Determines query capabilities and storage optimization. TEXT: Full-text search. KEYWORD: Exact matching, filtering. INTEGER/FLOAT: Range queries, sorting. DATETIME: Temporal queries. GEO: Geospatial queries. BOOL: Boolean filtering. UUID: Unique identifier matching."
          },
          "field_schema": {
            "anyOf": [
              {
                "$ref": "#/components/schemas/TextIndexParams"
              },
              {
                "$ref": "#/components/schemas/IntegerIndexParams"
              },
              {
                "$ref": "#/components/schemas/KeywordIndexParams"
              },
              {
                "$ref": "#/components/schemas/FloatIndexParams"
              },
              {
                "$ref": "#/components/schemas/GeoIndexParams"
              },
              {
                "$ref": "#/components/schemas/DatetimeIndexParams"
              },
              {
                "$ref": "#/components/schemas/UuidIndexParams"
              },
              {
                "$ref": "#/components/schemas/BoolIndexParams"
              },
              {
                "type": "null"
              }
            ],
            "title": "Field Schema",
            "description": "Optional schema configuration for the index. If not provided, uses default parameters for the specified type. Different types support different parameters (e.g., KeywordIndexParams.is_tenant)."
          },
          "is_protected": {
            "type": "boolean",
            "title": "Is Protected",
            "description": "Whether this index is system-managed and cannot be modified by users. Protected indexes (is_protected=True) are created automatically by Mixpeek and are essential for internal operations like tenant isolation, lineage tracking, and document management. Users cannot create, modify, or delete protected indexes. User-created indexes always have is_protected=False.",
            "default": false
          }
        },
        "type": "object",
        "required": [
          "field_name",
          "type"
        ],
        "title": "PayloadIndexConfig",
        "description": "Configuration for a payload index.\n\nDefines the structure and behavior of a payload field index in Qdrant collections.\nPayload indexes enable efficient filtering and searching on document metadata.\n\nProtected Indexes:\n    System-managed indexes (is_protected=True) cannot be modified or deleted by users.\n    These are essential for Mixpeek's internal operations:\n    - internal_id: Tenant isolation\n    - namespace_id: Namespace scoping\n    - collection_id, document_id: Document lineage\n    - bucket_id, object_id, root_object_id, root_bucket_id, source_object_id: Object lineage\n    - created_at, updated_at: Timestamps\n\nUse Cases:\n    - Create custom metadata indexes for efficient filtering\n    - Configure full-text search on text fields\n    - Set up geospatial queries on location data\n    - Enable range queries on numeric fields\n\nRequirements:\n    - field_name: REQUIRED - Must be unique within the namespace\n    - type: REQUIRED - Must match PayloadSchemaType enum\n    - field_schema: OPTIONAL - Auto-generated from type if not provided\n    - is_protected: OPTIONAL - Defaults to False (user-managed index)",
        "examples": [
          {
            "description": "User-created text index for full-text search",
            "field_name": "metadata.description",
            "is_protected": false,
            "type": "text"
          },
          {
            "description": "User-created keyword index for exact filtering",
            "field_name": "user_id",
            "is_protected": false,
            "type": "keyword"
          },
          {
            "description": "System-managed protected index (created automatically)",
            "field_name": "internal_id",
            "field_schema": {
              "is_tenant": true
            },
            "is_protected": true,
            "type": "keyword"
          }
        ]
      },
      "PayloadSchemaType": {
        "type": "string",
        "enum": [
          "keyword",
          "integer",
          "float",
          "bool",
          "geo",
          "datetime",
          "text",
          "uuid"
        ],
        "title": "PayloadSchemaType",
        "description": "Payload schema type."
      },
      "TextIndexParams": {
        "properties": {
          "type": {
            "type": "string",
            "title": "Type",
            "default": "text"
          },
          "tokenizer": {
            "$ref": "#/components/schemas/TokenizerType",
            "default": "word"
          },
          "min_token_len": {
            "type": "integer",
            "title": "Min Token Len",
            "default": 2
          },
          "max_token_len": {
            "type": "integer",
            "title": "Max Token Len",
            "default": 15
          },
          "lowercase": {
            "type": "boolean",
            "title": "Lowercase",
            "default": true
          }
        },
        "type": "object",
        "title": "TextIndexParams",
        "description": "Configuration for text index."
      },
      "TokenizerType": {
        "type": "string",
        "enum": [
          "word",
          "whitespace",
          "prefix",
          "multilingual"
        ],
        "title": "TokenizerType",
        "description": "Tokenizer type."
      },
      "UpdateNamespaceRequest": {
        "properties": {
          "namespace_name": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "title": "Namespace Name",
            "description": "Name of the namespace to update",
            "example": "spotify_playlists_dev"
          },
          "payload_indexes": {
            "anyOf": [
              {
                "items": {
                  "$ref": "#/components/schemas/PayloadIndexConfig-Input"
                },
                "type": "array"
              },
              {
                "type": "null"
              }
            ],
            "title": "Payload Indexes",
            "description": "Updated list of payload index configurations",
            "example": [
              {
                "field_name": "metadata.title",
                "field_schema": {
                  "lowercase": true,
                  "max_token_len": 15,
                  "min_token_len": 2,
                  "tokenizer": "word",
                  "type": "text"
                },
                "is_protected": false,
                "type": "text"
              },
              {
                "field_name": "metadata.description",
                "field_schema": {
                  "is_tenant": false,
                  "type": "keyword"
                },
                "is_protected": false,
                "type": "keyword"
              }
            ]
          }
        },
        "type": "object",
        "title": "UpdateNamespaceRequest",
        "description": "Request schema for updating a namespace's payload indexes."
      },
      "UuidIndexParams": {
        "properties": {
          "type": {
            "type": "string",
            "title": "Type",
            "default": "uuid"
          },
          "is_tenant": {
            "type": "boolean",
            "title": "Is Tenant",
            "default": false
          }
        },
        "type": "object",
        "title": "UuidIndexParams",
        "description": "Configuration for UUID index."
      },
      "FieldError": {
        "type": "object",
        "title": "FieldError",
        "description": "One field error, Pydantic's type name and FastAPI's location.",
        "required": [
          "type",
          "location",
          "message"
        ],
        "properties": {
          "type": {
            "type": "string",
            "examples": [
              "string_type",
              "missing",
              "extra_forbidden"
            ]
          },
          "location": {
            "type": "array",
            "items": {
              "anyOf": [
                {
                  "type": "string"
                },
                {
                  "type": "integer"
                }
              ]
            },
            "examples": [
              [
                "body",
                "namespace_name"
              ]
            ]
          },
          "message": {
            "type": "string",
            "examples": [
              "Input should be a valid string"
            ]
          }
        }
      },
      "ValidationErrorResponse": {
        "type": "object",
        "title": "ValidationErrorResponse",
        "description": "The 422 envelope: ErrorResponse with details.validation_errors listing every field error at once.",
        "required": [
          "success",
          "status",
          "error"
        ],
        "properties": {
          "success": {
            "type": "boolean",
            "const": false
          },
          "status": {
            "type": "integer",
            "const": 422
          },
          "error": {
            "type": "object",
            "required": [
              "message",
              "type",
              "details"
            ],
            "properties": {
              "message": {
                "type": "string"
              },
              "type": {
                "type": "string",
                "const": "ValidationError"
              },
              "details": {
                "type": "object",
                "required": [
                  "validation_errors"
                ],
                "properties": {
                  "validation_errors": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/FieldError"
                    }
                  }
                }
              }
            }
          }
        },
        "examples": [
          {
            "success": false,
            "status": 422,
            "error": {
              "message": "Request validation failed",
              "type": "ValidationError",
              "details": {
                "validation_errors": [
                  {
                    "type": "string_type",
                    "location": [
                      "body",
                      "namespace_name"
                    ],
                    "message": "Input should be a valid string"
                  }
                ]
              }
            }
          }
        ]
      },
      "IndexOperation": {
        "type": "object",
        "title": "IndexOperation",
        "description": "One Qdrant payload-index call made for a namespace change.",
        "required": [
          "field_name",
          "action",
          "type"
        ],
        "properties": {
          "field_name": {
            "type": "string"
          },
          "action": {
            "type": "string",
            "enum": [
              "create",
              "delete",
              "recreate"
            ]
          },
          "type": {
            "$ref": "#/components/schemas/PayloadSchemaType"
          },
          "field_schema": {
            "description": "The field_schema sent to Qdrant (absent for delete).",
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "object"
              }
            ]
          },
          "error": {
            "type": "string",
            "description": "Qdrant's message (failed/unknown)."
          }
        }
      },
      "IndexChangeFailure": {
        "type": "object",
        "title": "IndexChangeFailure",
        "description": "error.details of a 502 BadGatewayError: what Qdrant applied. The stored namespace records exactly the applied operations (and no unknown ones).",
        "required": [
          "collection",
          "applied",
          "failed",
          "unknown",
          "not_attempted",
          "stored_version"
        ],
        "properties": {
          "collection": {
            "type": "string"
          },
          "applied": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/IndexOperation"
            }
          },
          "failed": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/IndexOperation"
            }
          },
          "unknown": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/IndexOperation"
            }
          },
          "not_attempted": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/IndexOperation"
            }
          },
          "restored": {
            "type": "object",
            "description": "Compensating calls made to undo applied operations, in the same four lists."
          },
          "stored_version": {
            "anyOf": [
              {
                "type": "integer"
              },
              {
                "type": "null"
              }
            ]
          }
        }
      },
      "DeleteNamespaceResponse": {
        "type": "object",
        "title": "DeleteNamespaceResponse",
        "required": [
          "success",
          "namespace_id",
          "namespace_name",
          "message"
        ],
        "properties": {
          "success": {
            "type": "boolean",
            "const": true
          },
          "namespace_id": {
            "type": "string"
          },
          "namespace_name": {
            "type": "string"
          },
          "message": {
            "type": "string"
          }
        }
      },
      "HealthResponse": {
        "type": "object",
        "title": "HealthResponse",
        "required": [
          "status"
        ],
        "properties": {
          "status": {
            "type": "string",
            "const": "ok"
          }
        }
      },
      "ReadyResponse": {
        "type": "object",
        "title": "ReadyResponse",
        "required": [
          "status",
          "checks"
        ],
        "properties": {
          "status": {
            "type": "string",
            "const": "ready"
          },
          "checks": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "name",
                "ok",
                "detail"
              ],
              "properties": {
                "name": {
                  "type": "string"
                },
                "ok": {
                  "type": "boolean"
                },
                "detail": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    }
  }
}
)openapi";

}  // namespace

std::string_view openapi_document() noexcept {
  return k_document;
}

}  // namespace index_optimizer
