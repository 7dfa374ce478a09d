// Generated from spec/dataworks.yaml by `cargo xtask codegen` (crates/codegen/src/explorer.rs). Do not edit.
// The API Explorer's operations, parameters and error codes.
export default {
  "commonErrors": [
    {
      "code": "MissingParameter",
      "description": "A required parameter is absent; `{name}` is the parameter's wire name.",
      "fix": "Add the parameter named in the Message. In the explorer, required parameters are marked with *; the SDKs need it in the request object.",
      "httpStatus": 400,
      "message": "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
    },
    {
      "code": "InvalidParameter",
      "description": "A parameter has a value outside its type, range, length, enum or pattern, or occurs more than once; `{name}` is the parameter's wire name and the reason follows the fixed text.",
      "fix": "Change the value of the parameter named in the Message so it meets the reason given after the fixed text (type, range, length, allowed values or pattern), and send each parameter only once.",
      "httpStatus": 400,
      "message": "The specified parameter \"{name}\" is not valid."
    },
    {
      "code": "SignatureDoesNotMatch",
      "description": "The signature differs from the server's; `{stringToSign}` is the server's string to sign, byte for byte (the classic Python SDK compares it with its own to diagnose a wrong secret).",
      "fix": "Usually the AccessKey secret is wrong (a typo, a stray space, or the secret of another AccessKey): copy it again from the first-start output or `dataworks-server admin`. If you sign by hand, compare your string to sign with the one after \"is:\" in the Message; the explorer's signature inspector shows its own canonical request and string to sign for the same request.",
      "httpStatus": 400,
      "message": "Specified signature is not matched with our calculation. server string to sign is:{stringToSign}"
    },
    {
      "code": "IncompleteSignature",
      "description": "The signature parameters or the Authorization header are malformed or incomplete.",
      "fix": "Send every signature field: for V3 the Authorization header (Credential, SignedHeaders, Signature) with x-acs-date, x-acs-signature-nonce and x-acs-content-sha256 signed; for v1 AccessKeyId, Signature, SignatureMethod=HMAC-SHA1, SignatureVersion=1.0, SignatureNonce and Timestamp.",
      "httpStatus": 400,
      "message": "The request signature does not conform to Aliyun standards."
    },
    {
      "code": "InvalidAccessKeyId.NotFound",
      "description": "No AccessKey has the given AccessKeyId.",
      "fix": "Check the AccessKeyId: it must be one this server issued (first-start output, or `dataworks-server admin access-key list`). Keys from Alibaba Cloud do not exist on a local server.",
      "httpStatus": 404,
      "message": "Specified access key is not found."
    },
    {
      "code": "InvalidAccessKeyId.Inactive",
      "description": "The AccessKey exists but is disabled.",
      "fix": "Enable the AccessKey again, or create a new one with `dataworks-server admin`, and use that.",
      "httpStatus": 400,
      "message": "Specified access key is disabled."
    },
    {
      "code": "InvalidTimeStamp.Expired",
      "description": "The request timestamp is more than 15 minutes away from the server's clock.",
      "fix": "Set the client machine's clock right (UTC, within 15 minutes of the server) and sign a fresh request; a signed URL is only valid for 15 minutes.",
      "httpStatus": 400,
      "message": "Specified time stamp or date value is expired."
    },
    {
      "code": "SignatureNonceUsed",
      "description": "The nonce was already seen for this AccessKeyId within 15 minutes (a replay).",
      "fix": "Sign the request again: every request needs a new SignatureNonce (x-acs-signature-nonce for V3). A signed URL can be sent only once.",
      "httpStatus": 400,
      "message": "Specified signature nonce was used already."
    },
    {
      "code": "InvalidVersion",
      "description": "The Version is not 2020-05-18.",
      "fix": "Send Version=2020-05-18 (for V3 the x-acs-version header).",
      "httpStatus": 400,
      "message": "Specified parameter Version is not valid."
    },
    {
      "code": "InvalidAction.NotFound",
      "description": "The Action is not one of this API's operations.",
      "fix": "Use one of the operations of this API (the explorer lists them); check the spelling and case of Action.",
      "httpStatus": 404,
      "message": "Specified api is not found, please check your url and method."
    },
    {
      "code": "InternalError",
      "description": "An unexpected server failure; details are only in the server log, under the RequestId.",
      "fix": "Retry later. If it persists, give the operator the RequestId: the server log has the cause under it.",
      "httpStatus": 500,
      "message": "The request processing has failed due to some unknown error."
    },
    {
      "code": "Throttling.User",
      "description": "The caller sent more requests than its rate limit allows; retry later.",
      "fix": "Send fewer requests per second, or retry after a short wait with backoff.",
      "httpStatus": 400,
      "message": "Request was denied due to user flow control."
    },
    {
      "code": "Throttling",
      "description": "The server is at a configured limit (e.g. its in-memory replay cache is full) and refuses rather than weakening a guarantee; the SDKs retry this code.",
      "fix": "Retry after a short wait (the SDKs do this themselves); the operator can raise the configured limit.",
      "httpStatus": 503,
      "message": "Request was denied due to request throttling."
    },
    {
      "code": "UnsupportedHTTPMethod",
      "description": "The HTTP method is not GET, POST or PUT; the answer has the header `Allow: GET, POST, PUT`.",
      "fix": "Use GET, POST or PUT.",
      "httpStatus": 405,
      "message": "This http method is not supported."
    },
    {
      "code": "RequestBodyTooLarge",
      "description": "The request body exceeds the server's configured limit.",
      "fix": "Send a smaller request body (Content is at most 65536 characters), or ask the operator about the configured limit.",
      "httpStatus": 413,
      "message": "The request body is too large."
    },
    {
      "code": "RequestTimeout",
      "description": "Reading the request or answering it took longer than the server's configured timeout; also a request head (request line and headers) not complete within the header timeout (10 s by default) after its first byte, answered before the connection is closed.",
      "fix": "Send the request again, on a faster network, or ask the operator about the configured timeout.",
      "httpStatus": 408,
      "message": "The request was not completed within the server's time limit."
    },
    {
      "code": "RequestURITooLong",
      "description": "The request target exceeds 65,534 bytes (the HTTP server's fixed limit). Every operation accepts its parameters in an `application/x-www-form-urlencoded` POST body instead (up to the body limit, 1 MiB by default). The connection is closed after this answer.",
      "fix": "Send the parameters in an application/x-www-form-urlencoded body with POST (the SDKs do this for large values); keep the URL under 65,534 bytes.",
      "httpStatus": 414,
      "message": "The request URI is longer than 65534 bytes; send the parameters in a form body with POST."
    },
    {
      "code": "RequestHeaderFieldsTooLarge",
      "description": "The request line and headers together exceed 98,304 bytes, or there are more than 100 header fields. The connection is closed after this answer.",
      "fix": "Send fewer or smaller headers (at most 100 fields and 98,304 bytes in all); put large values in a POST form body instead.",
      "httpStatus": 431,
      "message": "The request header section is larger than 98304 bytes or has more than 100 fields."
    },
    {
      "code": "MalformedRequest",
      "description": "The bytes received are not an HTTP/1.1 request the server can read (a malformed request line, method, URI or header, a control character in a header value, an invalid Content-Length or Transfer-Encoding, or TLS sent to the plain-HTTP port); `{reason}` says which. The connection is closed after this answer.",
      "fix": "Send plain HTTP/1.1 to this port (http://, not https://, unless a TLS proxy is in front); the Message names the part of the request that could not be read.",
      "httpStatus": 400,
      "message": "The request is not valid HTTP/1.1: {reason}."
    },
    {
      "code": "ServiceUnavailable",
      "description": "The server holds as many open connections as it is configured to serve (`[http] max_connections`, 10,000 by default); a connection beyond that is answered with this code and closed, rather than left waiting or refused at `accept`. The SDKs retry it.",
      "fix": "Retry after a short wait with backoff (the SDKs do); close idle connections you keep open, or ask the operator to raise [http] max_connections.",
      "httpStatus": 503,
      "message": "The server is at its connection limit; retry later."
    }
  ],
  "description": "Data-source (\"connection\") operations of Alibaba Cloud DataWorks (`dataworks-public`, API\nversion 2020-05-18), RPC style, as served by the local `dataworks-server` and by Alibaba Cloud.\n\nRPC convention: every operation is `GET|POST|PUT /?Action=<Name>&Version=2020-05-18&...` on the\none path `/`. This document writes each operation under the pseudo-path `/#Action=<Name>` (the\nconvention public OpenAPI directories use for AWS query APIs), with `get` and `post`. Parameters\nare read from the form-decoded query string merged with an `application/x-www-form-urlencoded`\nbody (POST/PUT); a parameter name given twice is `InvalidParameter`. Methods other than GET,\nPOST and PUT are answered 405 `UnsupportedHTTPMethod` with `Allow: GET, POST, PUT`.\n\nAnswers are JSON unless `Format=XML` (any case). XML answers have the root element\n`<{Action}Response>`; XML errors have the root `<Error>`. Every answer carries `RequestId` and\nthe header `x-acs-request-id` with the same value. Errors always carry `Code`; a success body\nnever does.\n\nError codes: `x-acs-common-errors` (document root) lists the protocol-level codes every\noperation can answer; `x-acs-error-codes` on each operation lists its business codes. Each entry\nis `{httpStatus, code, message, description}`; `{name}`-style placeholders in a message are\nfilled in at run time. Entries marked `x-acs-project-decision: true` are this project's choice\nwhere Alibaba documents nothing.\n",
  "localServer": "http://127.0.0.1:8080",
  "messages": {
    "invalid": "The specified parameter \"{name}\" is not valid.",
    "invalidValue": "The value {reason}.",
    "missing": "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
  },
  "operations": [
    {
      "description": "Creates a data source (connection) of the given type in a project and environment, and\nreturns its id. The name must be unique in the project and environment. Secret values in\n`Content` (passwords, access keys) are encrypted at rest and masked in answers. The caller\nmust be the owner or an administrator of the project.\n",
      "errors": [
        {
          "code": "Invalid.Tenant.ProjectNotExists",
          "description": "The specified project does not exist in the caller's tenant.",
          "fix": "Use the ProjectId of an existing project (the first start prints the default one; `dataworks-server admin projects list` shows them).",
          "httpStatus": 400,
          "message": "The project does not exist."
        },
        {
          "code": "Invalid.Tenant.UserNotInProject",
          "description": "The caller is not a member of the project.",
          "fix": "Ask a project owner or administrator to add your user to the project, or use an AccessKey of a user who is a member.",
          "httpStatus": 400,
          "message": "The user is not in the project."
        },
        {
          "code": "Invalid.Tenant.UserIsNotProjectOwnerOrAdmin",
          "description": "The caller is not the project owner or a project administrator.",
          "fix": "Use an AccessKey of the project's owner or an administrator, or ask an owner to give your user the admin role.",
          "httpStatus": 403,
          "message": "The user is not a project administrator or owner."
        },
        {
          "code": "Invalid.Tenant.UserNotInTenant",
          "description": "The caller does not belong to a tenant.",
          "fix": "Use an AccessKey of a user who belongs to the tenant, or ask the operator to add your user to it.",
          "httpStatus": 403,
          "message": "The user is not in tenant."
        },
        {
          "code": "Invalid.DataSource.NameDuplicate",
          "description": "The name is already used by another data source of the same project and environment.",
          "fix": "Choose another Name, or update the existing data source instead (ListConnections shows it).",
          "httpStatus": 400,
          "message": "A data source with the same name already exists in the project and environment."
        }
      ],
      "methods": [
        "GET",
        "POST"
      ],
      "name": "CreateConnection",
      "params": [
        {
          "default": null,
          "description": "The ID of the DataWorks project (workspace) the data source belongs to.",
          "example": 10000,
          "exclusiveMinimum": false,
          "format": "int64",
          "minimum": 1.0,
          "name": "ProjectId",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 64-bit integer"
          },
          "required": true,
          "rustSetter": "project_id",
          "secret": false,
          "snake": "project_id",
          "type": "integer"
        },
        {
          "default": null,
          "description": "The name of the data source, 1 to 255 characters, unique in the project and environment.",
          "example": "mysql_name",
          "maxLength": 255,
          "minLength": 1,
          "name": "Name",
          "reasons": {
            "maxLength": "must be at most 255 characters long, got {}",
            "minLength": "must be at least 1 character long, got {}"
          },
          "required": true,
          "rustSetter": "name",
          "secret": false,
          "snake": "name",
          "type": "string"
        },
        {
          "default": null,
          "description": "The type of the data source.",
          "enum": [
            {
              "description": null,
              "value": "odps"
            },
            {
              "description": null,
              "value": "mysql"
            },
            {
              "description": null,
              "value": "rds"
            },
            {
              "description": null,
              "value": "oss"
            },
            {
              "description": null,
              "value": "sqlserver"
            },
            {
              "description": null,
              "value": "polardb"
            },
            {
              "description": null,
              "value": "oracle"
            },
            {
              "description": null,
              "value": "mongodb"
            },
            {
              "description": null,
              "value": "emr"
            },
            {
              "description": null,
              "value": "postgresql"
            },
            {
              "description": null,
              "value": "analyticdb_for_mysql"
            },
            {
              "description": null,
              "value": "hybriddb_for_postgresql"
            },
            {
              "description": null,
              "value": "holo"
            },
            {
              "description": null,
              "value": "kafka"
            }
          ],
          "example": "mysql",
          "name": "ConnectionType",
          "reasons": {
            "enum": "must be one of: odps, mysql, rds, oss, sqlserver, polardb, oracle, mongodb, emr, postgresql, analyticdb_for_mysql, hybriddb_for_postgresql, holo, kafka"
          },
          "required": true,
          "rustSetter": "connection_type",
          "rustType": "ConnectionType",
          "secret": false,
          "snake": "connection_type",
          "type": "string"
        },
        {
          "default": null,
          "description": "Details of the data source: a JSON object given as a string (at most 65536 characters).\nIts keys depend on the connection type; see the schemas `OdpsContent`, `MysqlContent`,\n`RdsContent`, `OssContent`, `SqlserverContent`, `PolardbContent`, `OracleContent`,\n`MongodbContent`, `EmrContent`, `PostgresqlContent`, `AnalyticdbForMysqlContent`,\n`HybriddbForPostgresqlContent`, `HoloContent` and `KafkaContent` in\n`components/schemas` (matched by their `x-connection-type`). Value types inside are\nloose: numbers may be given as numbers or strings. Secrets are the values of the keys\nthe schemas mark `x-secret` (and of `accessKeySecret`, `secretKey`,\n`secretAccessKey`, `securityToken`, `token`, `sslPassword`, `keystorePassword`,\n`truststorePassword` and `privateKey`), in any type, with the key matched in any\nletter case and at any depth (nested objects and arrays are walked): they must be\nstrings, are encrypted at rest and masked in answers; sending the mask back unchanged\nat the same place keeps the stored secret.\n",
          "example": "{\"database\":\"dbname\",\"instanceName\":\"instancename\",\"password\":\"password\",\"rdsOwnerId\":\"123\",\"username\":\"username\"}",
          "maxLength": 65536,
          "minLength": 1,
          "name": "Content",
          "reasons": {
            "maxLength": "must be at most 65536 characters long, got {}",
            "minLength": "must be at least 1 character long, got {}"
          },
          "required": true,
          "rustSetter": "content",
          "secret": true,
          "snake": "content",
          "type": "string"
        },
        {
          "default": null,
          "description": "The environment of the data source: 0 development, 1 production.",
          "example": 1,
          "exclusiveMaximum": false,
          "exclusiveMinimum": false,
          "format": "int32",
          "maximum": 1.0,
          "minimum": 0.0,
          "name": "EnvType",
          "reasons": {
            "maximum": "must be at most 1, got {}",
            "minimum": "must be at least 0, got {}",
            "parse": "must be a 32-bit integer"
          },
          "required": true,
          "rustSetter": "env_type",
          "secret": false,
          "snake": "env_type",
          "type": "integer"
        },
        {
          "default": null,
          "description": "The sub-type of an `rds` data source (`mysql`, `sqlserver` or `postgresql`); only for ConnectionType `rds`.",
          "enum": [
            {
              "description": null,
              "value": "mysql"
            },
            {
              "description": null,
              "value": "sqlserver"
            },
            {
              "description": null,
              "value": "postgresql"
            }
          ],
          "example": "mysql",
          "name": "SubType",
          "reasons": {
            "enum": "must be one of: mysql, sqlserver, postgresql"
          },
          "required": false,
          "rustSetter": "sub_type",
          "rustType": "SubType",
          "secret": false,
          "snake": "sub_type",
          "type": "string"
        },
        {
          "default": null,
          "description": "A description of the data source, at most 3000 characters.",
          "example": "abc",
          "maxLength": 3000,
          "name": "Description",
          "reasons": {
            "maxLength": "must be at most 3000 characters long, got {}"
          },
          "required": false,
          "rustSetter": "description",
          "secret": false,
          "snake": "description",
          "type": "string"
        },
        {
          "common": true,
          "description": "The region of the project. Alibaba's reference text marks it required, but the current official SDK never sends it, so it is optional here; when present it is recorded in the request context.",
          "example": "cn-shanghai",
          "name": "RegionId",
          "required": false,
          "type": "string"
        }
      ],
      "sdkMethod": "create_connection",
      "sdkMethodHttp": "POST",
      "summary": "Creates a data source in a DataWorks project."
    },
    {
      "description": "Replaces the content, environment, and optionally the description and status of a data\nsource. The connection is looked up in the caller's tenant only; the caller must be the\nowner or an administrator of its project. The official SDKs call this operation with PUT.\n",
      "errors": [
        {
          "code": "Invalid.Tenant.ConnectionNotExists",
          "description": "The data source does not exist (in the caller's tenant).",
          "fix": "Use the Id of a data source of your tenant: ListConnections with the project's ProjectId shows them (Create answers the new Id in Data).",
          "httpStatus": 400,
          "message": "The connection does not exist."
        },
        {
          "code": "Invalid.Tenant.ProjectNotExists",
          "description": "The specified project does not exist in the caller's tenant.",
          "fix": "Use the ProjectId of an existing project (the first start prints the default one; `dataworks-server admin projects list` shows them).",
          "httpStatus": 400,
          "message": "The project does not exist."
        },
        {
          "code": "Invalid.Tenant.UserIsNotProjectOwnerOrAdmin",
          "description": "The caller is not the project owner or a project administrator.",
          "fix": "Use an AccessKey of the project's owner or an administrator, or ask an owner to give your user the admin role.",
          "httpStatus": 403,
          "message": "The user is not a project administrator or owner."
        },
        {
          "code": "Invalid.Tenant.UserNotInProject",
          "description": "The caller is not a member of the project.",
          "fix": "Ask a project owner or administrator to add your user to the project, or use an AccessKey of a user who is a member.",
          "httpStatus": 400,
          "message": "The user is not in the project."
        },
        {
          "code": "Invalid.Tenant.UserNotInTenant",
          "description": "The caller does not belong to a tenant.",
          "fix": "Use an AccessKey of a user who belongs to the tenant, or ask the operator to add your user to it.",
          "httpStatus": 403,
          "message": "The user is not in tenant."
        },
        {
          "code": "Invalid.DataSource.DataSourceStatus",
          "description": "The requested status cannot be applied to the data source; `{status}` is the value given.",
          "fix": "Send Status as ENABLED or DISABLED (any case), or 0/1 (enabled) or 2 (disabled); for TestNetworkConnection, enable the data source first.",
          "httpStatus": 400,
          "message": "The specified dataSourceStatus {status} is invalid."
        },
        {
          "code": "Invalid.DataSource.NameDuplicate",
          "description": "The name is already used by another data source of the same project and environment.",
          "fix": "Choose another Name, or update the existing data source instead (ListConnections shows it).",
          "httpStatus": 400,
          "message": "A data source with the same name already exists in the project and environment."
        }
      ],
      "methods": [
        "GET",
        "POST"
      ],
      "name": "UpdateConnection",
      "params": [
        {
          "default": null,
          "description": "The ID of the data source.",
          "example": 1,
          "exclusiveMinimum": false,
          "format": "int64",
          "minimum": 1.0,
          "name": "ConnectionId",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 64-bit integer"
          },
          "required": true,
          "rustSetter": "connection_id",
          "secret": false,
          "snake": "connection_id",
          "type": "integer"
        },
        {
          "default": null,
          "description": "Details of the data source: a JSON object given as a string (at most 65536 characters).\nIts keys depend on the connection type; see the schemas `OdpsContent`, `MysqlContent`,\n`RdsContent`, `OssContent`, `SqlserverContent`, `PolardbContent`, `OracleContent`,\n`MongodbContent`, `EmrContent`, `PostgresqlContent`, `AnalyticdbForMysqlContent`,\n`HybriddbForPostgresqlContent`, `HoloContent` and `KafkaContent` in\n`components/schemas` (matched by their `x-connection-type`). Value types inside are\nloose: numbers may be given as numbers or strings. Secrets are the values of the keys\nthe schemas mark `x-secret` (and of `accessKeySecret`, `secretKey`,\n`secretAccessKey`, `securityToken`, `token`, `sslPassword`, `keystorePassword`,\n`truststorePassword` and `privateKey`), in any type, with the key matched in any\nletter case and at any depth (nested objects and arrays are walked): they must be\nstrings, are encrypted at rest and masked in answers; sending the mask back unchanged\nat the same place keeps the stored secret.\n",
          "example": "{\"database\":\"dbname\",\"instanceName\":\"instancename\",\"password\":\"password\",\"rdsOwnerId\":\"123\",\"username\":\"username\"}",
          "maxLength": 65536,
          "minLength": 1,
          "name": "Content",
          "reasons": {
            "maxLength": "must be at most 65536 characters long, got {}",
            "minLength": "must be at least 1 character long, got {}"
          },
          "required": true,
          "rustSetter": "content",
          "secret": true,
          "snake": "content",
          "type": "string"
        },
        {
          "default": null,
          "description": "Environment of the data source: 0 development, 1 production.",
          "example": 1,
          "exclusiveMaximum": false,
          "exclusiveMinimum": false,
          "format": "int32",
          "maximum": 1.0,
          "minimum": 0.0,
          "name": "EnvType",
          "reasons": {
            "maximum": "must be at most 1, got {}",
            "minimum": "must be at least 0, got {}",
            "parse": "must be a 32-bit integer"
          },
          "required": true,
          "rustSetter": "env_type",
          "secret": false,
          "snake": "env_type",
          "type": "integer"
        },
        {
          "default": null,
          "description": "Describes the data source, at most 3000 characters.",
          "example": "abc",
          "maxLength": 3000,
          "name": "Description",
          "reasons": {
            "maxLength": "must be at most 3000 characters long, got {}"
          },
          "required": false,
          "rustSetter": "description",
          "secret": false,
          "snake": "description",
          "type": "string"
        },
        {
          "default": null,
          "description": "The status of the data source: `ENABLED` or `DISABLED` in any case (what the current\nSDKs send), or the numeric forms `0` and `1` (enabled) and `2` (disabled).\n",
          "example": "ENABLED",
          "name": "Status",
          "pattern": "^([Ee][Nn][Aa][Bb][Ll][Ee][Dd]|[Dd][Ii][Ss][Aa][Bb][Ll][Ee][Dd]|0|1|2)$",
          "reasons": {
            "pattern": "must match the pattern ^([Ee][Nn][Aa][Bb][Ll][Ee][Dd]|[Dd][Ii][Ss][Aa][Bb][Ll][Ee][Dd]|0|1|2)$"
          },
          "required": false,
          "rustSetter": "status",
          "secret": false,
          "snake": "status",
          "type": "string"
        },
        {
          "common": true,
          "description": "The region of the project. Alibaba's reference text marks it required, but the current official SDK never sends it, so it is optional here; when present it is recorded in the request context.",
          "example": "cn-shanghai",
          "name": "RegionId",
          "required": false,
          "type": "string"
        }
      ],
      "sdkMethod": "update_connection",
      "sdkMethodHttp": "PUT",
      "summary": "Updates a data source."
    },
    {
      "description": "Returns one page of the data sources of a project, optionally filtered, sorted by\n`Sequence` descending, followed by the data sources other projects of the tenant share\nwith this project (or with the caller in it) through SetDataSourceShare, by `Id`\ndescending, under their shared names and with `Shared: true`; `TotalCount` counts both.\nSecret values in `Content` are masked. The caller must be a member of the project.\n",
      "errors": [
        {
          "code": "Invalid.Tenant.ProjectNotExists",
          "description": "The specified project does not exist in the caller's tenant.",
          "fix": "Use the ProjectId of an existing project (the first start prints the default one; `dataworks-server admin projects list` shows them).",
          "httpStatus": 400,
          "message": "The project does not exist."
        },
        {
          "code": "Invalid.Tenant.UserNotInProject",
          "description": "The caller is not a member of the project.",
          "fix": "Ask a project owner or administrator to add your user to the project, or use an AccessKey of a user who is a member.",
          "httpStatus": 400,
          "message": "The user is not in the project."
        },
        {
          "code": "Invalid.Tenant.UserNotInTenant",
          "description": "The caller does not belong to a tenant.",
          "fix": "Use an AccessKey of a user who belongs to the tenant, or ask the operator to add your user to it.",
          "httpStatus": 403,
          "message": "The user is not in tenant."
        }
      ],
      "methods": [
        "GET",
        "POST"
      ],
      "name": "ListConnections",
      "params": [
        {
          "default": null,
          "description": "The ID of the DataWorks project (workspace).",
          "example": 10000,
          "exclusiveMinimum": false,
          "format": "int64",
          "minimum": 1.0,
          "name": "ProjectId",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 64-bit integer"
          },
          "required": true,
          "rustSetter": "project_id",
          "secret": false,
          "snake": "project_id",
          "type": "integer"
        },
        {
          "default": 1,
          "description": "The page to return, counting from 1.",
          "example": 1,
          "exclusiveMinimum": false,
          "format": "int32",
          "minimum": 1.0,
          "name": "PageNumber",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 32-bit integer"
          },
          "required": false,
          "rustSetter": "page_number",
          "secret": false,
          "snake": "page_number",
          "type": "integer"
        },
        {
          "default": 10,
          "description": "The number of data sources per page, 1 to 100.",
          "example": 10,
          "exclusiveMaximum": false,
          "exclusiveMinimum": false,
          "format": "int32",
          "maximum": 100.0,
          "minimum": 1.0,
          "name": "PageSize",
          "reasons": {
            "maximum": "must be at most 100, got {}",
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 32-bit integer"
          },
          "required": false,
          "rustSetter": "page_size",
          "secret": false,
          "snake": "page_size",
          "type": "integer"
        },
        {
          "default": null,
          "description": "Only data sources whose name contains this text (1 to 255 characters).",
          "example": "mysql_name",
          "maxLength": 255,
          "minLength": 1,
          "name": "Name",
          "reasons": {
            "maxLength": "must be at most 255 characters long, got {}",
            "minLength": "must be at least 1 character long, got {}"
          },
          "required": false,
          "rustSetter": "name",
          "secret": false,
          "snake": "name",
          "type": "string"
        },
        {
          "default": null,
          "description": "Only data sources of this type.",
          "enum": [
            {
              "description": null,
              "value": "odps"
            },
            {
              "description": null,
              "value": "mysql"
            },
            {
              "description": null,
              "value": "rds"
            },
            {
              "description": null,
              "value": "oss"
            },
            {
              "description": null,
              "value": "sqlserver"
            },
            {
              "description": null,
              "value": "polardb"
            },
            {
              "description": null,
              "value": "oracle"
            },
            {
              "description": null,
              "value": "mongodb"
            },
            {
              "description": null,
              "value": "emr"
            },
            {
              "description": null,
              "value": "postgresql"
            },
            {
              "description": null,
              "value": "analyticdb_for_mysql"
            },
            {
              "description": null,
              "value": "hybriddb_for_postgresql"
            },
            {
              "description": null,
              "value": "holo"
            },
            {
              "description": null,
              "value": "kafka"
            }
          ],
          "example": "mysql",
          "name": "ConnectionType",
          "reasons": {
            "enum": "must be one of: odps, mysql, rds, oss, sqlserver, polardb, oracle, mongodb, emr, postgresql, analyticdb_for_mysql, hybriddb_for_postgresql, holo, kafka"
          },
          "required": false,
          "rustSetter": "connection_type",
          "rustType": "ConnectionType",
          "secret": false,
          "snake": "connection_type",
          "type": "string"
        },
        {
          "default": null,
          "description": "Only `rds` data sources of this sub-type.",
          "enum": [
            {
              "description": null,
              "value": "mysql"
            },
            {
              "description": null,
              "value": "sqlserver"
            },
            {
              "description": null,
              "value": "postgresql"
            }
          ],
          "example": "mysql",
          "name": "SubType",
          "reasons": {
            "enum": "must be one of: mysql, sqlserver, postgresql"
          },
          "required": false,
          "rustSetter": "sub_type",
          "rustType": "SubType",
          "secret": false,
          "snake": "sub_type",
          "type": "string"
        },
        {
          "default": null,
          "description": "The status of the data source: `ENABLED` or `DISABLED` in any case (what the current\nSDKs send), or the numeric forms `0` and `1` (enabled) and `2` (disabled).\n",
          "example": "ENABLED",
          "name": "Status",
          "pattern": "^([Ee][Nn][Aa][Bb][Ll][Ee][Dd]|[Dd][Ii][Ss][Aa][Bb][Ll][Ee][Dd]|0|1|2)$",
          "reasons": {
            "pattern": "must match the pattern ^([Ee][Nn][Aa][Bb][Ll][Ee][Dd]|[Dd][Ii][Ss][Aa][Bb][Ll][Ee][Dd]|0|1|2)$"
          },
          "required": false,
          "rustSetter": "status",
          "secret": false,
          "snake": "status",
          "type": "string"
        },
        {
          "default": null,
          "description": "Only data sources of this environment: 0 development, 1 production.",
          "example": 1,
          "exclusiveMaximum": false,
          "exclusiveMinimum": false,
          "format": "int32",
          "maximum": 1.0,
          "minimum": 0.0,
          "name": "EnvType",
          "reasons": {
            "maximum": "must be at most 1, got {}",
            "minimum": "must be at least 0, got {}",
            "parse": "must be a 32-bit integer"
          },
          "required": false,
          "rustSetter": "env_type",
          "secret": false,
          "snake": "env_type",
          "type": "integer"
        },
        {
          "common": true,
          "description": "The region of the project. Alibaba's reference text marks it required, but the current official SDK never sends it, so it is optional here; when present it is recorded in the request context.",
          "example": "cn-shanghai",
          "name": "RegionId",
          "required": false,
          "type": "string"
        }
      ],
      "sdkMethod": "list_connections",
      "sdkMethodHttp": "GET",
      "summary": "Lists the data sources of a project."
    },
    {
      "description": "Deletes a data source. The connection is looked up in the caller's tenant only; the caller\nmust be the owner or an administrator of its project.\n",
      "errors": [
        {
          "code": "Invalid.Tenant.ConnectionNotExists",
          "description": "The data source does not exist (in the caller's tenant).",
          "fix": "Use the Id of a data source of your tenant: ListConnections with the project's ProjectId shows them (Create answers the new Id in Data).",
          "httpStatus": 400,
          "message": "The connection does not exist."
        },
        {
          "code": "Invalid.Tenant.ProjectNotExists",
          "description": "The specified project does not exist in the caller's tenant.",
          "fix": "Use the ProjectId of an existing project (the first start prints the default one; `dataworks-server admin projects list` shows them).",
          "httpStatus": 400,
          "message": "The project does not exist."
        },
        {
          "code": "Invalid.Tenant.UserIsNotProjectOwnerOrAdmin",
          "description": "The caller is not the project owner or a project administrator.",
          "fix": "Use an AccessKey of the project's owner or an administrator, or ask an owner to give your user the admin role.",
          "httpStatus": 403,
          "message": "The user is not a project administrator or owner."
        },
        {
          "code": "Invalid.Tenant.UserNotInProject",
          "description": "The caller is not a member of the project.",
          "fix": "Ask a project owner or administrator to add your user to the project, or use an AccessKey of a user who is a member.",
          "httpStatus": 400,
          "message": "The user is not in the project."
        },
        {
          "code": "Invalid.Tenant.UserNotInTenant",
          "description": "The caller does not belong to a tenant.",
          "fix": "Use an AccessKey of a user who belongs to the tenant, or ask the operator to add your user to it.",
          "httpStatus": 403,
          "message": "The user is not in tenant."
        },
        {
          "code": "Invalid.Operation",
          "description": "The data source is bound to a compute engine (`BindingCalcEngineId` is not 0) and cannot be deleted.",
          "fix": "Unbind the compute engine from the data source first (an operator can, with the store's set_binding_calc_engine), or keep the data source.",
          "httpStatus": 400,
          "message": "You cannot delete the bindingCalcEngine that is bound to the data source."
        }
      ],
      "methods": [
        "GET",
        "POST"
      ],
      "name": "DeleteConnection",
      "params": [
        {
          "default": null,
          "description": "The ID of the data source to delete.",
          "example": 123,
          "exclusiveMinimum": false,
          "format": "int64",
          "minimum": 1.0,
          "name": "ConnectionId",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 64-bit integer"
          },
          "required": true,
          "rustSetter": "connection_id",
          "secret": false,
          "snake": "connection_id",
          "type": "integer"
        },
        {
          "common": true,
          "description": "The region of the project. Alibaba's reference text marks it required, but the current official SDK never sends it, so it is optional here; when present it is recorded in the request context.",
          "example": "cn-shanghai",
          "name": "RegionId",
          "required": false,
          "type": "string"
        }
      ],
      "sdkMethod": "delete_connection",
      "sdkMethodHttp": "POST",
      "summary": "Deletes a data source."
    },
    {
      "description": "Checks whether the resource group can reach the data source named `DatasourceName` in the\ngiven project and environment. A failed check is still a successful call: `TaskList`\nsays whether the data source is reachable and why not. The caller must be a member of\nthe project.\n",
      "errors": [
        {
          "code": "Invalid.Tenant.ConnectionNotExists",
          "description": "The data source does not exist (in the caller's tenant).",
          "fix": "Use the Id of a data source of your tenant: ListConnections with the project's ProjectId shows them (Create answers the new Id in Data).",
          "httpStatus": 400,
          "message": "The connection does not exist."
        },
        {
          "code": "Invalid.Tenant.ProjectNotExists",
          "description": "The specified project does not exist in the caller's tenant.",
          "fix": "Use the ProjectId of an existing project (the first start prints the default one; `dataworks-server admin projects list` shows them).",
          "httpStatus": 400,
          "message": "The project does not exist."
        },
        {
          "code": "Invalid.Tenant.UserNotInProject",
          "description": "The caller is not a member of the project.",
          "fix": "Ask a project owner or administrator to add your user to the project, or use an AccessKey of a user who is a member.",
          "httpStatus": 400,
          "message": "The user is not in the project."
        },
        {
          "code": "Invalid.Tenant.UserNotInTenant",
          "description": "The caller does not belong to a tenant.",
          "fix": "Use an AccessKey of a user who belongs to the tenant, or ask the operator to add your user to it.",
          "httpStatus": 403,
          "message": "The user is not in tenant."
        },
        {
          "code": "Invalid.DataSource.DataSourceStatus",
          "description": "The requested status cannot be applied to the data source; `{status}` is the value given.",
          "fix": "Send Status as ENABLED or DISABLED (any case), or 0/1 (enabled) or 2 (disabled); for TestNetworkConnection, enable the data source first.",
          "httpStatus": 400,
          "message": "The specified dataSourceStatus {status} is invalid."
        }
      ],
      "methods": [
        "GET",
        "POST"
      ],
      "name": "TestNetworkConnection",
      "params": [
        {
          "default": null,
          "description": "The ID of the DataWorks project (workspace) the data source belongs to.",
          "example": 10000,
          "exclusiveMinimum": false,
          "format": "int64",
          "minimum": 1.0,
          "name": "ProjectId",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 64-bit integer"
          },
          "required": true,
          "rustSetter": "project_id",
          "secret": false,
          "snake": "project_id",
          "type": "integer"
        },
        {
          "default": null,
          "description": "The name of the data source, 1 to 255 characters.",
          "example": "mysql_name",
          "maxLength": 255,
          "minLength": 1,
          "name": "DatasourceName",
          "reasons": {
            "maxLength": "must be at most 255 characters long, got {}",
            "minLength": "must be at least 1 character long, got {}"
          },
          "required": true,
          "rustSetter": "datasource_name",
          "secret": false,
          "snake": "datasource_name",
          "type": "string"
        },
        {
          "default": null,
          "description": "The environment of the data source, as a string: \"0\" development, \"1\" production.",
          "example": "1",
          "name": "EnvType",
          "pattern": "^[01]$",
          "reasons": {
            "pattern": "must match the pattern ^[01]$"
          },
          "required": true,
          "rustSetter": "env_type",
          "secret": false,
          "snake": "env_type",
          "type": "string"
        },
        {
          "default": null,
          "description": "The identifier of the resource group to test from, 1 to 255 characters.",
          "example": "S_res_group_2XXXX4_1619100XXXXX",
          "maxLength": 255,
          "minLength": 1,
          "name": "ResourceGroup",
          "reasons": {
            "maxLength": "must be at most 255 characters long, got {}",
            "minLength": "must be at least 1 character long, got {}"
          },
          "required": true,
          "rustSetter": "resource_group",
          "secret": false,
          "snake": "resource_group",
          "type": "string"
        },
        {
          "common": true,
          "description": "The region of the project. Alibaba's reference text marks it required, but the current official SDK never sends it, so it is optional here; when present it is recorded in the request context.",
          "example": "cn-shanghai",
          "name": "RegionId",
          "required": false,
          "type": "string"
        }
      ],
      "sdkMethod": "test_network_connection",
      "sdkMethodHttp": "POST",
      "summary": "Tests the network connectivity between a data source and a resource group."
    },
    {
      "description": "Creates a data source of the given type in a project and environment, and returns its id.\nThe DataSource and Connection families share one store: the new data source is listed by\nListConnections and can be updated or deleted through either family, under the same id.\nThe name must be unique in the project and environment. Secret values in `Content`\n(passwords, access keys) are encrypted at rest and masked in answers. The caller must be\nthe owner or an administrator of the project.\n",
      "errors": [
        {
          "code": "Invalid.Tenant.ProjectNotExists",
          "description": "The specified project does not exist in the caller's tenant.",
          "fix": "Use the ProjectId of an existing project (the first start prints the default one; `dataworks-server admin projects list` shows them).",
          "httpStatus": 400,
          "message": "The project does not exist."
        },
        {
          "code": "Invalid.Tenant.UserNotInProject",
          "description": "The caller is not a member of the project.",
          "fix": "Ask a project owner or administrator to add your user to the project, or use an AccessKey of a user who is a member.",
          "httpStatus": 400,
          "message": "The user is not in the project."
        },
        {
          "code": "Invalid.Tenant.UserIsNotProjectOwnerOrAdmin",
          "description": "The caller is not the project owner or a project administrator.",
          "fix": "Use an AccessKey of the project's owner or an administrator, or ask an owner to give your user the admin role.",
          "httpStatus": 403,
          "message": "The user is not a project administrator or owner."
        },
        {
          "code": "Invalid.Tenant.UserNotInTenant",
          "description": "The caller does not belong to a tenant.",
          "fix": "Use an AccessKey of a user who belongs to the tenant, or ask the operator to add your user to it.",
          "httpStatus": 403,
          "message": "The user is not in tenant."
        },
        {
          "code": "ConnectionAlreadyExist",
          "description": "A data source with this name already exists in the project and environment; `{envType}` and `{name}` are the ones asked for.",
          "fix": "Choose another Name, or update the existing data source instead (ListDataSources shows it).",
          "httpStatus": 400,
          "message": "The connection with envType {envType} and name {name} already exists."
        },
        {
          "code": "Invalid.Tenant.ConnectionNotExists",
          "description": "Documented by Alibaba for CreateDataSource.",
          "fix": "Use the Id of a data source of your tenant: ListConnections with the project's ProjectId shows them (Create answers the new Id in Data).",
          "httpStatus": 400,
          "message": "The connection does not exist."
        },
        {
          "code": "DataSource.CheckRamRoleFailure",
          "description": "Documented by Alibaba for data sources that authenticate with a RAM role.",
          "fix": "On Alibaba Cloud, check that the RAM role in Content exists and trusts DataWorks; this server does not check RAM roles.",
          "httpStatus": 400,
          "message": "Failed to check the RAM role. AccountId {accountId}. roleArn {roleArn}."
        },
        {
          "code": "DataSource.ConnectionStrProperty.PatternNotMatch",
          "description": "Documented by Alibaba for a Content property whose value breaks its pattern.",
          "fix": "Give the Content property in the form the data source type expects (see the Content schemas).",
          "httpStatus": 400,
          "message": "The pattern value {value} is invalid. The correct pattern is {pattern}."
        },
        {
          "code": "Invalid.DataSource.DataSourceTypeNotSupport",
          "description": "Documented by Alibaba for an unsupported DataSourceType; the stored copy of the reference cuts the message after \"The dataS\", the rest is this project's wording.",
          "fix": "Use one of the DataSourceType values the spec lists (mysql, rds, odps, ...).",
          "httpStatus": 400,
          "message": "The dataSourceType {type} is not supported."
        }
      ],
      "methods": [
        "GET",
        "POST"
      ],
      "name": "CreateDataSource",
      "params": [
        {
          "default": null,
          "description": "The ID of the DataWorks workspace (project) to which the data source belongs.",
          "example": 10000,
          "exclusiveMinimum": false,
          "format": "int64",
          "minimum": 1.0,
          "name": "ProjectId",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 64-bit integer"
          },
          "required": true,
          "rustSetter": "project_id",
          "secret": false,
          "snake": "project_id",
          "type": "integer"
        },
        {
          "default": null,
          "description": "The name of the data source, 1 to 255 characters, unique in the project and environment.",
          "example": "mysql_name",
          "maxLength": 255,
          "minLength": 1,
          "name": "Name",
          "reasons": {
            "maxLength": "must be at most 255 characters long, got {}",
            "minLength": "must be at least 1 character long, got {}"
          },
          "required": true,
          "rustSetter": "name",
          "secret": false,
          "snake": "name",
          "type": "string"
        },
        {
          "default": null,
          "description": "The type of the data source (the values of ConnectionType).",
          "enum": [
            {
              "description": null,
              "value": "odps"
            },
            {
              "description": null,
              "value": "mysql"
            },
            {
              "description": null,
              "value": "rds"
            },
            {
              "description": null,
              "value": "oss"
            },
            {
              "description": null,
              "value": "sqlserver"
            },
            {
              "description": null,
              "value": "polardb"
            },
            {
              "description": null,
              "value": "oracle"
            },
            {
              "description": null,
              "value": "mongodb"
            },
            {
              "description": null,
              "value": "emr"
            },
            {
              "description": null,
              "value": "postgresql"
            },
            {
              "description": null,
              "value": "analyticdb_for_mysql"
            },
            {
              "description": null,
              "value": "hybriddb_for_postgresql"
            },
            {
              "description": null,
              "value": "holo"
            },
            {
              "description": null,
              "value": "kafka"
            }
          ],
          "example": "mysql",
          "name": "DataSourceType",
          "reasons": {
            "enum": "must be one of: odps, mysql, rds, oss, sqlserver, polardb, oracle, mongodb, emr, postgresql, analyticdb_for_mysql, hybriddb_for_postgresql, holo, kafka"
          },
          "required": true,
          "rustSetter": "data_source_type",
          "rustType": "ConnectionType",
          "secret": false,
          "snake": "data_source_type",
          "type": "string"
        },
        {
          "default": null,
          "description": "Details of the data source: a JSON object given as a string (at most 65536 characters).\nIts keys depend on the connection type; see the schemas `OdpsContent`, `MysqlContent`,\n`RdsContent`, `OssContent`, `SqlserverContent`, `PolardbContent`, `OracleContent`,\n`MongodbContent`, `EmrContent`, `PostgresqlContent`, `AnalyticdbForMysqlContent`,\n`HybriddbForPostgresqlContent`, `HoloContent` and `KafkaContent` in\n`components/schemas` (matched by their `x-connection-type`). Value types inside are\nloose: numbers may be given as numbers or strings. Secrets are the values of the keys\nthe schemas mark `x-secret` (and of `accessKeySecret`, `secretKey`,\n`secretAccessKey`, `securityToken`, `token`, `sslPassword`, `keystorePassword`,\n`truststorePassword` and `privateKey`), in any type, with the key matched in any\nletter case and at any depth (nested objects and arrays are walked): they must be\nstrings, are encrypted at rest and masked in answers; sending the mask back unchanged\nat the same place keeps the stored secret.\n",
          "example": "{\"database\":\"xsaxsa\",\"instanceName\":\"rm-xsaxsa\",\"password\":\"xsaxsa\",\"rdsOwnerId\":\"xasxsa\",\"regionId\":\"cn-shanghai\",\"tag\":\"rds\",\"username\":\"xsaxsa\"}",
          "maxLength": 65536,
          "minLength": 1,
          "name": "Content",
          "reasons": {
            "maxLength": "must be at most 65536 characters long, got {}",
            "minLength": "must be at least 1 character long, got {}"
          },
          "required": true,
          "rustSetter": "content",
          "secret": true,
          "snake": "content",
          "type": "string"
        },
        {
          "default": null,
          "description": "The environment in which the data source is used: 0 development, 1 production.",
          "example": 0,
          "exclusiveMaximum": false,
          "exclusiveMinimum": false,
          "format": "int32",
          "maximum": 1.0,
          "minimum": 0.0,
          "name": "EnvType",
          "reasons": {
            "maximum": "must be at most 1, got {}",
            "minimum": "must be at least 0, got {}",
            "parse": "must be a 32-bit integer"
          },
          "required": true,
          "rustSetter": "env_type",
          "secret": false,
          "snake": "env_type",
          "type": "integer"
        },
        {
          "default": null,
          "description": "The sub-type of an `rds` data source (`mysql`, `sqlserver` or `postgresql`); only for DataSourceType `rds`.",
          "enum": [
            {
              "description": null,
              "value": "mysql"
            },
            {
              "description": null,
              "value": "sqlserver"
            },
            {
              "description": null,
              "value": "postgresql"
            }
          ],
          "example": "mysql",
          "name": "SubType",
          "reasons": {
            "enum": "must be one of: mysql, sqlserver, postgresql"
          },
          "required": false,
          "rustSetter": "sub_type",
          "rustType": "SubType",
          "secret": false,
          "snake": "sub_type",
          "type": "string"
        },
        {
          "default": null,
          "description": "The description of the data source, at most 3000 characters.",
          "example": "mysql data source",
          "maxLength": 3000,
          "name": "Description",
          "reasons": {
            "maxLength": "must be at most 3000 characters long, got {}"
          },
          "required": false,
          "rustSetter": "description",
          "secret": false,
          "snake": "description",
          "type": "string"
        },
        {
          "common": true,
          "description": "The region of the project. Alibaba's reference text marks it required, but the current official SDK never sends it, so it is optional here; when present it is recorded in the request context.",
          "example": "cn-shanghai",
          "name": "RegionId",
          "required": false,
          "type": "string"
        }
      ],
      "sdkMethod": "create_data_source",
      "sdkMethodHttp": "POST",
      "summary": "Creates a data source in a DataWorks project (the DataSource family's name for CreateConnection)."
    },
    {
      "description": "Changes the content, environment, description or status of a data source; a parameter\nthat is left out keeps its current value (unlike UpdateConnection, Content and EnvType\nare optional here). The type of a data source cannot change: the new Content must satisfy\nthe stored type's rules. The data source is looked up in the caller's tenant only; the\ncaller must be the owner or an administrator of its project. Ids are shared with the\nConnection family. The official SDKs call this operation with PUT.\n",
      "errors": [
        {
          "code": "Invalid.Tenant.ConnectionNotExists",
          "description": "The data source does not exist (in the caller's tenant).",
          "fix": "Use the Id of a data source of your tenant: ListConnections with the project's ProjectId shows them (Create answers the new Id in Data).",
          "httpStatus": 400,
          "message": "The connection does not exist."
        },
        {
          "code": "Invalid.Tenant.ProjectNotExists",
          "description": "The specified project does not exist in the caller's tenant.",
          "fix": "Use the ProjectId of an existing project (the first start prints the default one; `dataworks-server admin projects list` shows them).",
          "httpStatus": 400,
          "message": "The project does not exist."
        },
        {
          "code": "Invalid.Tenant.UserIsNotProjectOwnerOrAdmin",
          "description": "The caller is not the project owner or a project administrator.",
          "fix": "Use an AccessKey of the project's owner or an administrator, or ask an owner to give your user the admin role.",
          "httpStatus": 403,
          "message": "The user is not a project administrator or owner."
        },
        {
          "code": "Invalid.Tenant.UserNotInProject",
          "description": "The caller is not a member of the project.",
          "fix": "Ask a project owner or administrator to add your user to the project, or use an AccessKey of a user who is a member.",
          "httpStatus": 400,
          "message": "The user is not in the project."
        },
        {
          "code": "Invalid.Tenant.UserNotInTenant",
          "description": "The caller does not belong to a tenant.",
          "fix": "Use an AccessKey of a user who belongs to the tenant, or ask the operator to add your user to it.",
          "httpStatus": 403,
          "message": "The user is not in tenant."
        },
        {
          "code": "Invalid.DataSource.NameDuplicate",
          "description": "The name is already used by another data source of the same project and environment.",
          "fix": "Choose another Name, or update the existing data source instead (ListConnections shows it).",
          "httpStatus": 400,
          "message": "A data source with the same name already exists in the project and environment."
        },
        {
          "code": "MissingParam.ConnectionStr.Property",
          "description": "Content lacks a key its data source type requires; `{property}` names it (or `a or b` when one of several is needed).",
          "fix": "Add the named key to Content (with its value; a secret may be sent as the mask to keep the stored one).",
          "httpStatus": 400,
          "message": "You must specify property {property} required by the data source connection string."
        },
        {
          "code": "DataSource.CheckRamRoleFailure",
          "description": "Documented by Alibaba for data sources that authenticate with a RAM role.",
          "fix": "On Alibaba Cloud, check that the RAM role in Content exists and trusts DataWorks; this server does not check RAM roles.",
          "httpStatus": 400,
          "message": "Failed to check the RAM role. AccountId {accountId}. roleArn {roleArn}."
        },
        {
          "code": "DataSource.ConnectionStrProperty.PatternNotMatch",
          "description": "Documented by Alibaba for a Content property whose value breaks its pattern.",
          "fix": "Give the Content property in the form the data source type expects (see the Content schemas).",
          "httpStatus": 400,
          "message": "The pattern value {value} is invalid. The correct pattern is {pattern}."
        }
      ],
      "methods": [
        "GET",
        "POST"
      ],
      "name": "UpdateDataSource",
      "params": [
        {
          "default": null,
          "description": "The ID of the data source (as ListDataSources or ListConnections answer it).",
          "example": 1,
          "exclusiveMinimum": false,
          "format": "int64",
          "minimum": 1.0,
          "name": "DataSourceId",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 64-bit integer"
          },
          "required": true,
          "rustSetter": "data_source_id",
          "secret": false,
          "snake": "data_source_id",
          "type": "integer"
        },
        {
          "default": null,
          "description": "Details of the data source: a JSON object given as a string (at most 65536 characters).\nIts keys depend on the connection type; see the schemas `OdpsContent`, `MysqlContent`,\n`RdsContent`, `OssContent`, `SqlserverContent`, `PolardbContent`, `OracleContent`,\n`MongodbContent`, `EmrContent`, `PostgresqlContent`, `AnalyticdbForMysqlContent`,\n`HybriddbForPostgresqlContent`, `HoloContent` and `KafkaContent` in\n`components/schemas` (matched by their `x-connection-type`). Value types inside are\nloose: numbers may be given as numbers or strings. Secrets are the values of the keys\nthe schemas mark `x-secret` (and of `accessKeySecret`, `secretKey`,\n`secretAccessKey`, `securityToken`, `token`, `sslPassword`, `keystorePassword`,\n`truststorePassword` and `privateKey`), in any type, with the key matched in any\nletter case and at any depth (nested objects and arrays are walked): they must be\nstrings, are encrypted at rest and masked in answers; sending the mask back unchanged\nat the same place keeps the stored secret.\n",
          "example": "{\"database\":\"xsaxsa\",\"instanceName\":\"rm-xsaxsa\",\"password\":\"xsaxsa\",\"rdsOwnerId\":\"xasxsa\",\"regionId\":\"cn-shanghai\",\"tag\":\"rds\",\"username\":\"xsaxsa\"}",
          "maxLength": 65536,
          "minLength": 1,
          "name": "Content",
          "reasons": {
            "maxLength": "must be at most 65536 characters long, got {}",
            "minLength": "must be at least 1 character long, got {}"
          },
          "required": false,
          "rustSetter": "content",
          "secret": true,
          "snake": "content",
          "type": "string"
        },
        {
          "default": null,
          "description": "The environment in which the data source resides: 0 development, 1 production; left out, it keeps its current one.",
          "example": 0,
          "exclusiveMaximum": false,
          "exclusiveMinimum": false,
          "format": "int32",
          "maximum": 1.0,
          "minimum": 0.0,
          "name": "EnvType",
          "reasons": {
            "maximum": "must be at most 1, got {}",
            "minimum": "must be at least 0, got {}",
            "parse": "must be a 32-bit integer"
          },
          "required": false,
          "rustSetter": "env_type",
          "secret": false,
          "snake": "env_type",
          "type": "integer"
        },
        {
          "default": null,
          "description": "The description of the data source, at most 3000 characters.",
          "example": "mysql data source",
          "maxLength": 3000,
          "name": "Description",
          "reasons": {
            "maxLength": "must be at most 3000 characters long, got {}"
          },
          "required": false,
          "rustSetter": "description",
          "secret": false,
          "snake": "description",
          "type": "string"
        },
        {
          "default": null,
          "description": "The status of the data source; Alibaba marks it deprecated, it is accepted as in UpdateConnection: `ENABLED` or `DISABLED` in any case, or `0`/`1` (enabled) and `2` (disabled).",
          "example": "ENABLED",
          "name": "Status",
          "pattern": "^([Ee][Nn][Aa][Bb][Ll][Ee][Dd]|[Dd][Ii][Ss][Aa][Bb][Ll][Ee][Dd]|0|1|2)$",
          "reasons": {
            "pattern": "must match the pattern ^([Ee][Nn][Aa][Bb][Ll][Ee][Dd]|[Dd][Ii][Ss][Aa][Bb][Ll][Ee][Dd]|0|1|2)$"
          },
          "required": false,
          "rustSetter": "status",
          "secret": false,
          "snake": "status",
          "type": "string"
        },
        {
          "common": true,
          "description": "The region of the project. Alibaba's reference text marks it required, but the current official SDK never sends it, so it is optional here; when present it is recorded in the request context.",
          "example": "cn-shanghai",
          "name": "RegionId",
          "required": false,
          "type": "string"
        }
      ],
      "sdkMethod": "update_data_source",
      "sdkMethodHttp": "PUT",
      "summary": "Updates a data source (the DataSource family's name for UpdateConnection)."
    },
    {
      "description": "Returns one page of the data sources of a project, optionally filtered, sorted by\n`Sequence` descending: the same rows as ListConnections, under the DataSource family's\nfield names (`DataSourceType`, `DataSources`). Secret values in `Content` are masked.\n`Shared` is `true` for a data source that SetDataSourceShare shared with other projects\nor users. After the project's own data sources come those shared with the project (with\nevery member) or with the caller in it, by `Id` descending: `Name` is the shared name,\n`ProjectId` the project that owns the data source, `Shared` is `true`, and `Name` filters\non the shared name; `TotalCount` counts both, and pages run over both. The caller must\nbe a member of the project.\n",
      "errors": [
        {
          "code": "Invalid.Tenant.ProjectNotExists",
          "description": "The specified project does not exist in the caller's tenant.",
          "fix": "Use the ProjectId of an existing project (the first start prints the default one; `dataworks-server admin projects list` shows them).",
          "httpStatus": 400,
          "message": "The project does not exist."
        },
        {
          "code": "Invalid.Tenant.UserNotInProject",
          "description": "The caller is not a member of the project.",
          "fix": "Ask a project owner or administrator to add your user to the project, or use an AccessKey of a user who is a member.",
          "httpStatus": 400,
          "message": "The user is not in the project."
        },
        {
          "code": "Invalid.Tenant.UserNotInTenant",
          "description": "The caller does not belong to a tenant.",
          "fix": "Use an AccessKey of a user who belongs to the tenant, or ask the operator to add your user to it.",
          "httpStatus": 403,
          "message": "The user is not in tenant."
        }
      ],
      "methods": [
        "GET",
        "POST"
      ],
      "name": "ListDataSources",
      "params": [
        {
          "default": null,
          "description": "The ID of the DataWorks workspace (project) to which the data sources belong.",
          "example": 10000,
          "exclusiveMinimum": false,
          "format": "int64",
          "minimum": 1.0,
          "name": "ProjectId",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 64-bit integer"
          },
          "required": true,
          "rustSetter": "project_id",
          "secret": false,
          "snake": "project_id",
          "type": "integer"
        },
        {
          "default": 1,
          "description": "The page number; pages start from 1.",
          "example": 1,
          "exclusiveMinimum": false,
          "format": "int32",
          "minimum": 1.0,
          "name": "PageNumber",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 32-bit integer"
          },
          "required": false,
          "rustSetter": "page_number",
          "secret": false,
          "snake": "page_number",
          "type": "integer"
        },
        {
          "default": 10,
          "description": "The number of entries per page, 1 to 100 (default 10).",
          "example": 10,
          "exclusiveMaximum": false,
          "exclusiveMinimum": false,
          "format": "int32",
          "maximum": 100.0,
          "minimum": 1.0,
          "name": "PageSize",
          "reasons": {
            "maximum": "must be at most 100, got {}",
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 32-bit integer"
          },
          "required": false,
          "rustSetter": "page_size",
          "secret": false,
          "snake": "page_size",
          "type": "integer"
        },
        {
          "default": null,
          "description": "Only data sources whose name contains this text (1 to 255 characters).",
          "example": "mysql_name",
          "maxLength": 255,
          "minLength": 1,
          "name": "Name",
          "reasons": {
            "maxLength": "must be at most 255 characters long, got {}",
            "minLength": "must be at least 1 character long, got {}"
          },
          "required": false,
          "rustSetter": "name",
          "secret": false,
          "snake": "name",
          "type": "string"
        },
        {
          "default": null,
          "description": "Only data sources of this type.",
          "enum": [
            {
              "description": null,
              "value": "odps"
            },
            {
              "description": null,
              "value": "mysql"
            },
            {
              "description": null,
              "value": "rds"
            },
            {
              "description": null,
              "value": "oss"
            },
            {
              "description": null,
              "value": "sqlserver"
            },
            {
              "description": null,
              "value": "polardb"
            },
            {
              "description": null,
              "value": "oracle"
            },
            {
              "description": null,
              "value": "mongodb"
            },
            {
              "description": null,
              "value": "emr"
            },
            {
              "description": null,
              "value": "postgresql"
            },
            {
              "description": null,
              "value": "analyticdb_for_mysql"
            },
            {
              "description": null,
              "value": "hybriddb_for_postgresql"
            },
            {
              "description": null,
              "value": "holo"
            },
            {
              "description": null,
              "value": "kafka"
            }
          ],
          "example": "mysql",
          "name": "DataSourceType",
          "reasons": {
            "enum": "must be one of: odps, mysql, rds, oss, sqlserver, polardb, oracle, mongodb, emr, postgresql, analyticdb_for_mysql, hybriddb_for_postgresql, holo, kafka"
          },
          "required": false,
          "rustSetter": "data_source_type",
          "rustType": "ConnectionType",
          "secret": false,
          "snake": "data_source_type",
          "type": "string"
        },
        {
          "default": null,
          "description": "Only `rds` data sources of this sub-type.",
          "enum": [
            {
              "description": null,
              "value": "mysql"
            },
            {
              "description": null,
              "value": "sqlserver"
            },
            {
              "description": null,
              "value": "postgresql"
            }
          ],
          "example": "mysql",
          "name": "SubType",
          "reasons": {
            "enum": "must be one of: mysql, sqlserver, postgresql"
          },
          "required": false,
          "rustSetter": "sub_type",
          "rustType": "SubType",
          "secret": false,
          "snake": "sub_type",
          "type": "string"
        },
        {
          "default": null,
          "description": "The status of the data source: `ENABLED` or `DISABLED` in any case (what the current\nSDKs send), or the numeric forms `0` and `1` (enabled) and `2` (disabled).\n",
          "example": "ENABLED",
          "name": "Status",
          "pattern": "^([Ee][Nn][Aa][Bb][Ll][Ee][Dd]|[Dd][Ii][Ss][Aa][Bb][Ll][Ee][Dd]|0|1|2)$",
          "reasons": {
            "pattern": "must match the pattern ^([Ee][Nn][Aa][Bb][Ll][Ee][Dd]|[Dd][Ii][Ss][Aa][Bb][Ll][Ee][Dd]|0|1|2)$"
          },
          "required": false,
          "rustSetter": "status",
          "secret": false,
          "snake": "status",
          "type": "string"
        },
        {
          "default": null,
          "description": "Only data sources of this environment: 0 development, 1 production.",
          "example": 1,
          "exclusiveMaximum": false,
          "exclusiveMinimum": false,
          "format": "int32",
          "maximum": 1.0,
          "minimum": 0.0,
          "name": "EnvType",
          "reasons": {
            "maximum": "must be at most 1, got {}",
            "minimum": "must be at least 0, got {}",
            "parse": "must be a 32-bit integer"
          },
          "required": false,
          "rustSetter": "env_type",
          "secret": false,
          "snake": "env_type",
          "type": "integer"
        },
        {
          "common": true,
          "description": "The region of the project. Alibaba's reference text marks it required, but the current official SDK never sends it, so it is optional here; when present it is recorded in the request context.",
          "example": "cn-shanghai",
          "name": "RegionId",
          "required": false,
          "type": "string"
        }
      ],
      "sdkMethod": "list_data_sources",
      "sdkMethodHttp": "GET",
      "summary": "Lists the data sources of a project (the DataSource family's name for ListConnections)."
    },
    {
      "description": "Deletes a data source, whichever family created it, together with its shares. The data\nsource is looked up in the caller's tenant only; the caller must be the owner or an\nadministrator of its project.\n",
      "errors": [
        {
          "code": "Invalid.Tenant.ConnectionNotExists",
          "description": "The data source does not exist (in the caller's tenant).",
          "fix": "Use the Id of a data source of your tenant: ListConnections with the project's ProjectId shows them (Create answers the new Id in Data).",
          "httpStatus": 400,
          "message": "The connection does not exist."
        },
        {
          "code": "Invalid.Tenant.ProjectNotExists",
          "description": "The specified project does not exist in the caller's tenant.",
          "fix": "Use the ProjectId of an existing project (the first start prints the default one; `dataworks-server admin projects list` shows them).",
          "httpStatus": 400,
          "message": "The project does not exist."
        },
        {
          "code": "Invalid.Tenant.UserNotInProject",
          "description": "The caller is not a member of the project.",
          "fix": "Ask a project owner or administrator to add your user to the project, or use an AccessKey of a user who is a member.",
          "httpStatus": 400,
          "message": "The user is not in the project."
        },
        {
          "code": "Invalid.Operation",
          "description": "The data source is bound to a compute engine (`BindingCalcEngineId` is not 0) and cannot be deleted.",
          "fix": "Unbind the compute engine from the data source first (an operator can, with the store's set_binding_calc_engine), or keep the data source.",
          "httpStatus": 400,
          "message": "You cannot delete the bindingCalcEngine that is bound to the data source."
        },
        {
          "code": "Invalid.Tenant.UserIsNotProjectOwnerOrAdmin",
          "description": "The caller is not the project owner or a project administrator.",
          "fix": "Use an AccessKey of the project's owner or an administrator, or ask an owner to give your user the admin role.",
          "httpStatus": 403,
          "message": "The user is not a project administrator or owner."
        },
        {
          "code": "Invalid.Tenant.UserNotInTenant",
          "description": "The caller does not belong to a tenant.",
          "fix": "Use an AccessKey of a user who belongs to the tenant, or ask the operator to add your user to it.",
          "httpStatus": 403,
          "message": "The user is not in tenant."
        }
      ],
      "methods": [
        "GET",
        "POST"
      ],
      "name": "DeleteDataSource",
      "params": [
        {
          "default": null,
          "description": "The ID of the data source to delete.",
          "example": 10000,
          "exclusiveMinimum": false,
          "format": "int64",
          "minimum": 1.0,
          "name": "DataSourceId",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 64-bit integer"
          },
          "required": true,
          "rustSetter": "data_source_id",
          "secret": false,
          "snake": "data_source_id",
          "type": "integer"
        },
        {
          "common": true,
          "description": "The region of the project. Alibaba's reference text marks it required, but the current official SDK never sends it, so it is optional here; when present it is recorded in the request context.",
          "example": "cn-shanghai",
          "name": "RegionId",
          "required": false,
          "type": "string"
        }
      ],
      "sdkMethod": "delete_data_source",
      "sdkMethodHttp": "POST",
      "summary": "Deletes a data source (the DataSource family's name for DeleteConnection)."
    },
    {
      "description": "Returns one page of the data sources of a project in the form ImportDataSources reads\nback: every field of ListDataSources, filtered by name (a substring), type, sub-type and\nenvironment; only the project's own data sources (not those shared with it). Secret values in `Content` stay masked (`******`): an export never carries a\nsecret, so ImportDataSources needs them filled in again. The caller must be a member of\nthe project.\n",
      "errors": [
        {
          "code": "Invalid.Tenant.ProjectNotExists",
          "description": "The specified project does not exist in the caller's tenant.",
          "fix": "Use the ProjectId of an existing project (the first start prints the default one; `dataworks-server admin projects list` shows them).",
          "httpStatus": 400,
          "message": "The project does not exist."
        },
        {
          "code": "Invalid.Tenant.UserNotInProject",
          "description": "The caller is not a member of the project.",
          "fix": "Ask a project owner or administrator to add your user to the project, or use an AccessKey of a user who is a member.",
          "httpStatus": 400,
          "message": "The user is not in the project."
        },
        {
          "code": "Invalid.Tenant.UserNotInTenant",
          "description": "The caller does not belong to a tenant.",
          "fix": "Use an AccessKey of a user who belongs to the tenant, or ask the operator to add your user to it.",
          "httpStatus": 403,
          "message": "The user is not in tenant."
        }
      ],
      "methods": [
        "GET",
        "POST"
      ],
      "name": "ExportDataSources",
      "params": [
        {
          "default": null,
          "description": "The ID of the DataWorks workspace (project) to which the data sources belong.",
          "example": 10000,
          "exclusiveMinimum": false,
          "format": "int64",
          "minimum": 1.0,
          "name": "ProjectId",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 64-bit integer"
          },
          "required": true,
          "rustSetter": "project_id",
          "secret": false,
          "snake": "project_id",
          "type": "integer"
        },
        {
          "default": 1,
          "description": "The page number; pages start from 1.",
          "example": 1,
          "exclusiveMinimum": false,
          "format": "int32",
          "minimum": 1.0,
          "name": "PageNumber",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 32-bit integer"
          },
          "required": false,
          "rustSetter": "page_number",
          "secret": false,
          "snake": "page_number",
          "type": "integer"
        },
        {
          "default": 10,
          "description": "The number of entries per page, 1 to 100 (default 10).",
          "example": 10,
          "exclusiveMaximum": false,
          "exclusiveMinimum": false,
          "format": "int32",
          "maximum": 100.0,
          "minimum": 1.0,
          "name": "PageSize",
          "reasons": {
            "maximum": "must be at most 100, got {}",
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 32-bit integer"
          },
          "required": false,
          "rustSetter": "page_size",
          "secret": false,
          "snake": "page_size",
          "type": "integer"
        },
        {
          "default": null,
          "description": "A keyword contained in the names of the data sources to export (one keyword, 1 to 255 characters).",
          "example": "test",
          "maxLength": 255,
          "minLength": 1,
          "name": "Name",
          "reasons": {
            "maxLength": "must be at most 255 characters long, got {}",
            "minLength": "must be at least 1 character long, got {}"
          },
          "required": false,
          "rustSetter": "name",
          "secret": false,
          "snake": "name",
          "type": "string"
        },
        {
          "default": null,
          "description": "Only data sources of this type.",
          "enum": [
            {
              "description": null,
              "value": "odps"
            },
            {
              "description": null,
              "value": "mysql"
            },
            {
              "description": null,
              "value": "rds"
            },
            {
              "description": null,
              "value": "oss"
            },
            {
              "description": null,
              "value": "sqlserver"
            },
            {
              "description": null,
              "value": "polardb"
            },
            {
              "description": null,
              "value": "oracle"
            },
            {
              "description": null,
              "value": "mongodb"
            },
            {
              "description": null,
              "value": "emr"
            },
            {
              "description": null,
              "value": "postgresql"
            },
            {
              "description": null,
              "value": "analyticdb_for_mysql"
            },
            {
              "description": null,
              "value": "hybriddb_for_postgresql"
            },
            {
              "description": null,
              "value": "holo"
            },
            {
              "description": null,
              "value": "kafka"
            }
          ],
          "example": "mysql",
          "name": "DataSourceType",
          "reasons": {
            "enum": "must be one of: odps, mysql, rds, oss, sqlserver, polardb, oracle, mongodb, emr, postgresql, analyticdb_for_mysql, hybriddb_for_postgresql, holo, kafka"
          },
          "required": false,
          "rustSetter": "data_source_type",
          "rustType": "ConnectionType",
          "secret": false,
          "snake": "data_source_type",
          "type": "string"
        },
        {
          "default": null,
          "description": "Only `rds` data sources of this sub-type.",
          "enum": [
            {
              "description": null,
              "value": "mysql"
            },
            {
              "description": null,
              "value": "sqlserver"
            },
            {
              "description": null,
              "value": "postgresql"
            }
          ],
          "example": "mysql",
          "name": "SubType",
          "reasons": {
            "enum": "must be one of: mysql, sqlserver, postgresql"
          },
          "required": false,
          "rustSetter": "sub_type",
          "rustType": "SubType",
          "secret": false,
          "snake": "sub_type",
          "type": "string"
        },
        {
          "default": null,
          "description": "Only data sources of this environment: 0 development, 1 production.",
          "example": 1,
          "exclusiveMaximum": false,
          "exclusiveMinimum": false,
          "format": "int32",
          "maximum": 1.0,
          "minimum": 0.0,
          "name": "EnvType",
          "reasons": {
            "maximum": "must be at most 1, got {}",
            "minimum": "must be at least 0, got {}",
            "parse": "must be a 32-bit integer"
          },
          "required": false,
          "rustSetter": "env_type",
          "secret": false,
          "snake": "env_type",
          "type": "integer"
        },
        {
          "common": true,
          "description": "The region of the project. Alibaba's reference text marks it required, but the current official SDK never sends it, so it is optional here; when present it is recorded in the request context.",
          "example": "cn-shanghai",
          "name": "RegionId",
          "required": false,
          "type": "string"
        }
      ],
      "sdkMethod": "export_data_sources",
      "sdkMethodHttp": "GET",
      "summary": "Exports the data sources of a project."
    },
    {
      "description": "Creates the data sources given as a JSON array in `DataSources` in the project, each as\nCreateDataSource would. Every entry is checked first; an entry that fails a check (an\nunknown type, Content that breaks its type's rules, a name taken in the project and\nenvironment, or a secret that is still masked as an export left it) is not imported and\nis named in `Data.Message`, the others are imported, and `Data.Status` says whether all\nwere. A masked secret is refused rather than stored: storing the mask would leave a data\nsource that cannot connect, and a secret is never carried by an export. A `DataSources`\nvalue that is not a JSON array of objects is `InvalidParameter`. The caller must be the\nowner or an administrator of the project.\n",
      "errors": [
        {
          "code": "Invalid.Tenant.ProjectNotExists",
          "description": "The specified project does not exist in the caller's tenant.",
          "fix": "Use the ProjectId of an existing project (the first start prints the default one; `dataworks-server admin projects list` shows them).",
          "httpStatus": 400,
          "message": "The project does not exist."
        },
        {
          "code": "Invalid.Tenant.UserNotInProject",
          "description": "The caller is not a member of the project.",
          "fix": "Ask a project owner or administrator to add your user to the project, or use an AccessKey of a user who is a member.",
          "httpStatus": 400,
          "message": "The user is not in the project."
        },
        {
          "code": "Invalid.Tenant.UserIsNotProjectOwnerOrAdmin",
          "description": "The caller is not the project owner or a project administrator.",
          "fix": "Use an AccessKey of the project's owner or an administrator, or ask an owner to give your user the admin role.",
          "httpStatus": 403,
          "message": "The user is not a project administrator or owner."
        },
        {
          "code": "Invalid.Tenant.UserNotInTenant",
          "description": "The caller does not belong to a tenant.",
          "fix": "Use an AccessKey of a user who belongs to the tenant, or ask the operator to add your user to it.",
          "httpStatus": 403,
          "message": "The user is not in tenant."
        }
      ],
      "methods": [
        "GET",
        "POST"
      ],
      "name": "ImportDataSources",
      "params": [
        {
          "default": null,
          "description": "The ID of the DataWorks workspace (project) to import into.",
          "example": 10000,
          "exclusiveMinimum": false,
          "format": "int64",
          "minimum": 1.0,
          "name": "ProjectId",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 64-bit integer"
          },
          "required": true,
          "rustSetter": "project_id",
          "secret": false,
          "snake": "project_id",
          "type": "integer"
        },
        {
          "default": null,
          "description": "The data sources to import: a JSON array (at most 100 entries) of objects with the\nfields `Name`, `DataSourceType`, `SubType`, `Description`, `Content` (a JSON object\nstring, as in CreateDataSource) and `EnvType`, as ExportDataSources answers them\n(other fields of an export are ignored). Secret values must be given in full.\nAt most 262,144 characters, so that the value fits the 1 MiB request body limit even\nwhen every character is percent-encoded.\n",
          "example": "[{\"SubType\":\"\",\"DataSourceType\":\"mysql\",\"EnvType\":1,\"Name\":\"mysql_dms2\",\"Description\":\"aaa\",\"Content\":\"{\\\"database\\\":\\\"mysql_chengdu_old\\\",\\\"password\\\":\\\"xsaxsa\\\",\\\"instanceName\\\":\\\"rm-2vcrckb37163g7l3w\\\",\\\"regionId\\\":\\\"cn-chengdu\\\",\\\"tag\\\":\\\"rds\\\",\\\"rdsOwnerId\\\":\\\"333\\\",\\\"username\\\":\\\"mysql_chengdu2\\\"}\"}]",
          "maxLength": 262144,
          "minLength": 1,
          "name": "DataSources",
          "reasons": {
            "maxLength": "must be at most 262144 characters long, got {}",
            "minLength": "must be at least 1 character long, got {}"
          },
          "required": true,
          "rustSetter": "data_sources",
          "secret": true,
          "snake": "data_sources",
          "type": "string"
        },
        {
          "common": true,
          "description": "The region of the project. Alibaba's reference text marks it required, but the current official SDK never sends it, so it is optional here; when present it is recorded in the request context.",
          "example": "cn-shanghai",
          "name": "RegionId",
          "required": false,
          "type": "string"
        }
      ],
      "sdkMethod": "import_data_sources",
      "sdkMethodHttp": "POST",
      "summary": "Imports data sources into a project."
    },
    {
      "description": "Sets with whom the data source named `DatasourceName` in the project (in `EnvType`, or in\nboth environments when it is left out) is shared: the projects in `ProjectPermissions`\nand the users in `UserPermissions`, each with `READ` or `WRITE`. The lists replace the\nprevious ones; both empty or left out stops sharing (the receivers no longer list it and\nlose their rights on it). A shared data source shows `Shared: true` in ListDataSources,\nListConnections and ExportDataSources of its project, and is listed (with `Shared:\ntrue`, under `sharedName`) by ListDataSources and ListConnections of each receiving\nproject: to every member for a project share, to the named users only for a user share.\n`READ` lets receivers list and read it; `WRITE` also lets them update it\n(UpdateDataSource, UpdateConnection), while deleting it and changing its shares stay\nwith the owners and administrators of its project. Sharing never\nleaves the tenant: a project or user outside the caller's tenant (or a user who is not a\nmember of the project named with it) makes the call answer `Data.Status` `fail` with the\nreason in `Data.Message`, and nothing changes. The caller must be the owner or an\nadministrator of the data source's project.\n",
      "errors": [
        {
          "code": "Invalid.Tenant.ConnectionNotExists",
          "description": "The data source does not exist (in the caller's tenant).",
          "fix": "Use the Id of a data source of your tenant: ListConnections with the project's ProjectId shows them (Create answers the new Id in Data).",
          "httpStatus": 400,
          "message": "The connection does not exist."
        },
        {
          "code": "Invalid.Tenant.ProjectNotExists",
          "description": "The specified project does not exist in the caller's tenant.",
          "fix": "Use the ProjectId of an existing project (the first start prints the default one; `dataworks-server admin projects list` shows them).",
          "httpStatus": 400,
          "message": "The project does not exist."
        },
        {
          "code": "Invalid.Tenant.UserIsNotProjectOwnerOrAdmin",
          "description": "The caller is not the project owner or a project administrator.",
          "fix": "Use an AccessKey of the project's owner or an administrator, or ask an owner to give your user the admin role.",
          "httpStatus": 403,
          "message": "The user is not a project administrator or owner."
        },
        {
          "code": "Invalid.Tenant.UserNotInProject",
          "description": "The caller is not a member of the project.",
          "fix": "Ask a project owner or administrator to add your user to the project, or use an AccessKey of a user who is a member.",
          "httpStatus": 400,
          "message": "The user is not in the project."
        },
        {
          "code": "Invalid.Tenant.UserNotInTenant",
          "description": "The caller does not belong to a tenant.",
          "fix": "Use an AccessKey of a user who belongs to the tenant, or ask the operator to add your user to it.",
          "httpStatus": 403,
          "message": "The user is not in tenant."
        }
      ],
      "methods": [
        "GET",
        "POST"
      ],
      "name": "SetDataSourceShare",
      "params": [
        {
          "default": null,
          "description": "The ID of the DataWorks workspace (project) to which the data source belongs.",
          "example": 10000,
          "exclusiveMinimum": false,
          "format": "int64",
          "minimum": 1.0,
          "name": "ProjectId",
          "reasons": {
            "minimum": "must be at least 1, got {}",
            "parse": "must be a 64-bit integer"
          },
          "required": true,
          "rustSetter": "project_id",
          "secret": false,
          "snake": "project_id",
          "type": "integer"
        },
        {
          "default": null,
          "description": "The name of the data source to share, 1 to 255 characters.",
          "example": "mysql_name",
          "maxLength": 255,
          "minLength": 1,
          "name": "DatasourceName",
          "reasons": {
            "maxLength": "must be at most 255 characters long, got {}",
            "minLength": "must be at least 1 character long, got {}"
          },
          "required": true,
          "rustSetter": "datasource_name",
          "secret": false,
          "snake": "datasource_name",
          "type": "string"
        },
        {
          "default": null,
          "description": "The environment of the data source, as a string: \"0\" development, \"1\" production; left out, both.",
          "example": "1",
          "name": "EnvType",
          "pattern": "^[01]$",
          "reasons": {
            "pattern": "must match the pattern ^[01]$"
          },
          "required": false,
          "rustSetter": "env_type",
          "secret": false,
          "snake": "env_type",
          "type": "string"
        },
        {
          "default": null,
          "description": "The projects to share with: a JSON array of `{\"projectId\": <Long>, \"permission\":\n\"READ\"|\"WRITE\", \"sharedName\": <String>}`. `READ` lets the project's members read and\nuse the data source, `WRITE` also modify it; `sharedName` is the name it is shown\nunder there (default `<source project name>.<data source name>`).\n",
          "example": "[{\"projectId\":1000,\"permission\":\"WRITE\",\"sharedName\":\"PX_DATAHUB1.shared_name\"}]",
          "maxLength": 65536,
          "name": "ProjectPermissions",
          "reasons": {
            "maxLength": "must be at most 65536 characters long, got {}"
          },
          "required": false,
          "rustSetter": "project_permissions",
          "secret": false,
          "snake": "project_permissions",
          "type": "string"
        },
        {
          "default": null,
          "description": "The users to share with: a JSON array of `{\"projectId\": <Long>, \"users\":\n[{\"userId\": <String>, \"permission\": \"READ\"|\"WRITE\"}], \"sharedName\": <String>}`; each\nuser may use the data source in that project only. With both parameters given, both\ntake effect.\n",
          "example": "[{\"projectId\":10000,\"users\":[{\"userId\":\"276184575345452131\",\"permission\":\"WRITE\"}],\"sharedName\":\"PX_DATAHUB1.shared_name\"}]",
          "maxLength": 65536,
          "name": "UserPermissions",
          "reasons": {
            "maxLength": "must be at most 65536 characters long, got {}"
          },
          "required": false,
          "rustSetter": "user_permissions",
          "secret": false,
          "snake": "user_permissions",
          "type": "string"
        },
        {
          "common": true,
          "description": "The region of the project. Alibaba's reference text marks it required, but the current official SDK never sends it, so it is optional here; when present it is recorded in the request context.",
          "example": "cn-shanghai",
          "name": "RegionId",
          "required": false,
          "type": "string"
        }
      ],
      "sdkMethod": "set_data_source_share",
      "sdkMethodHttp": "POST",
      "summary": "Shares a data source with other projects and users of the tenant."
    }
  ],
  "title": "DataWorks Connection API",
  "version": "2020-05-18"
};
