//! The generated API trait implemented on the domain service: the only place where wire types
//! meet domain types, and the one mapping from [`DomainError`] to the documented error codes.

use dataworks_server_stub::{DataWorksConnectionApi, RequestContext};
use dataworks_types::{
    Connection, CreateConnectionError, CreateConnectionRequest, CreateConnectionResponse,
    CreateDataSourceError, CreateDataSourceRequest, CreateDataSourceResponse, DataSource,
    DeleteConnectionError, DeleteConnectionRequest, DeleteConnectionResponse,
    DeleteDataSourceError, DeleteDataSourceRequest, DeleteDataSourceResponse, ErrorCode,
    ExportDataSourcesData, ExportDataSourcesError, ExportDataSourcesRequest,
    ExportDataSourcesResponse, ImportDataSourcesData, ImportDataSourcesError,
    ImportDataSourcesRequest, ImportDataSourcesResponse, ListConnectionsData, ListConnectionsError,
    ListConnectionsRequest, ListConnectionsResponse, ListDataSourcesData, ListDataSourcesError,
    ListDataSourcesRequest, ListDataSourcesResponse, SetDataSourceShareData,
    SetDataSourceShareError, SetDataSourceShareRequest, SetDataSourceShareResponse, TaskList,
    TestNetworkConnectionError, TestNetworkConnectionRequest, TestNetworkConnectionResponse,
    UpdateConnectionError, UpdateConnectionRequest, UpdateConnectionResponse,
    UpdateDataSourceError, UpdateDataSourceRequest, UpdateDataSourceResponse,
};

use crate::domain::{self, Caller, ConnectionPage, ConnectionService, ConnectionView, DomainError};

/// `HttpStatusCode` of a successful Create/Update/Delete: a string on the wire (SDK metadata).
const HTTP_OK_TEXT: &str = "200";
/// `HttpStatusCode` of a successful ListConnections: an integer on the wire.
const HTTP_OK: i32 = 200;

/// [`ConnectionService`] behind the generated router.
pub struct Api {
    service: ConnectionService,
}

impl Api {
    pub fn new(service: ConnectionService) -> Self {
        Self { service }
    }
}

/// The caller's user id, from the principal the credential lookup put into the context.
fn caller(ctx: &RequestContext) -> Result<Caller, DomainError> {
    ctx.caller
        .principal
        .parse()
        .map(|user_id| Caller { user_id })
        .map_err(|_| DomainError::Internal)
}

impl DataWorksConnectionApi for Api {
    async fn create_connection(
        &self,
        ctx: &RequestContext,
        req: CreateConnectionRequest,
    ) -> Result<CreateConnectionResponse, CreateConnectionError> {
        let input = domain::CreateConnection {
            project_id: req.project_id,
            name: req.name,
            connection_type: req.connection_type.as_str().to_owned(),
            sub_type: req.sub_type.map(|s| s.as_str().to_owned()),
            description: req.description,
            content: req.content,
            env_type: req.env_type,
        };
        let id = self
            .service
            .create_connection(
                &caller(ctx).map_err(to_api::<CreateConnectionError>(ctx))?,
                input,
            )
            .await
            .map_err(to_api::<CreateConnectionError>(ctx))?;
        Ok(CreateConnectionResponse {
            success: true,
            http_status_code: HTTP_OK_TEXT.to_owned(),
            data: id,
            ..Default::default()
        })
    }

    async fn update_connection(
        &self,
        ctx: &RequestContext,
        req: UpdateConnectionRequest,
    ) -> Result<UpdateConnectionResponse, UpdateConnectionError> {
        let input = domain::UpdateConnection {
            connection_id: req.connection_id,
            content: req.content,
            env_type: req.env_type,
            description: req.description,
            status: req.status,
        };
        self.service
            .update_connection(
                &caller(ctx).map_err(to_api::<UpdateConnectionError>(ctx))?,
                input,
            )
            .await
            .map_err(to_api::<UpdateConnectionError>(ctx))?;
        Ok(UpdateConnectionResponse {
            success: true,
            http_status_code: HTTP_OK_TEXT.to_owned(),
            data: true,
            ..Default::default()
        })
    }

    async fn list_connections(
        &self,
        ctx: &RequestContext,
        req: ListConnectionsRequest,
    ) -> Result<ListConnectionsResponse, ListConnectionsError> {
        let input = domain::ListConnections {
            project_id: req.project_id,
            name: req.name,
            connection_type: req.connection_type.map(|t| t.as_str().to_owned()),
            sub_type: req.sub_type.map(|s| s.as_str().to_owned()),
            status: req.status,
            env_type: req.env_type,
            page_number: Some(req.page_number),
            page_size: Some(req.page_size),
        };
        let page = self
            .service
            .list_connections(
                &caller(ctx).map_err(to_api::<ListConnectionsError>(ctx))?,
                input,
            )
            .await
            .map_err(to_api::<ListConnectionsError>(ctx))?;
        Ok(ListConnectionsResponse {
            success: true,
            http_status_code: HTTP_OK,
            data: ListConnectionsData {
                page_number: page.page_number,
                page_size: page.page_size,
                total_count: i32::try_from(page.total_count).unwrap_or(i32::MAX),
                connections: page.connections.into_iter().map(connection).collect(),
            },
            ..Default::default()
        })
    }

    async fn delete_connection(
        &self,
        ctx: &RequestContext,
        req: DeleteConnectionRequest,
    ) -> Result<DeleteConnectionResponse, DeleteConnectionError> {
        self.service
            .delete_connection(
                &caller(ctx).map_err(to_api::<DeleteConnectionError>(ctx))?,
                req.connection_id,
            )
            .await
            .map_err(to_api::<DeleteConnectionError>(ctx))?;
        Ok(DeleteConnectionResponse {
            success: true,
            http_status_code: HTTP_OK_TEXT.to_owned(),
            data: true,
            ..Default::default()
        })
    }

    async fn test_network_connection(
        &self,
        ctx: &RequestContext,
        req: TestNetworkConnectionRequest,
    ) -> Result<TestNetworkConnectionResponse, TestNetworkConnectionError> {
        let input = domain::TestNetworkConnection {
            project_id: req.project_id,
            datasource_name: req.datasource_name,
            env_type: req.env_type,
            resource_group: req.resource_group,
        };
        let result = self
            .service
            .test_network_connection(
                &caller(ctx).map_err(to_api::<TestNetworkConnectionError>(ctx))?,
                input,
            )
            .await
            .map_err(to_api::<TestNetworkConnectionError>(ctx))?;
        Ok(TestNetworkConnectionResponse {
            success: true,
            task_list: TaskList {
                connect_status: result.connect_status,
                connect_message: result.connect_message,
            },
            ..Default::default()
        })
    }

    // The DataSource family: each method maps its wire names onto the same domain operation as
    // its Connection counterpart (or onto the family's own rules in `domain::data_sources`).

    async fn create_data_source(
        &self,
        ctx: &RequestContext,
        req: CreateDataSourceRequest,
    ) -> Result<CreateDataSourceResponse, CreateDataSourceError> {
        let input = domain::CreateConnection {
            project_id: req.project_id,
            name: req.name,
            connection_type: req.data_source_type.as_str().to_owned(),
            sub_type: req.sub_type.map(|s| s.as_str().to_owned()),
            description: req.description,
            content: req.content,
            env_type: req.env_type,
        };
        let err = to_api::<CreateDataSourceError>(ctx);
        let id = self
            .service
            .create_connection(&caller(ctx).map_err(&err)?, input)
            .await
            .map_err(&err)?;
        Ok(CreateDataSourceResponse {
            success: true,
            http_status_code: HTTP_OK_TEXT.to_owned(),
            data: id,
            ..Default::default()
        })
    }

    async fn update_data_source(
        &self,
        ctx: &RequestContext,
        req: UpdateDataSourceRequest,
    ) -> Result<UpdateDataSourceResponse, UpdateDataSourceError> {
        let input = domain::UpdateDataSource {
            connection_id: req.data_source_id,
            content: req.content,
            env_type: req.env_type,
            description: req.description,
            status: req.status,
        };
        let err = to_api::<UpdateDataSourceError>(ctx);
        self.service
            .update_data_source(&caller(ctx).map_err(&err)?, input)
            .await
            .map_err(&err)?;
        Ok(UpdateDataSourceResponse {
            success: true,
            http_status_code: HTTP_OK_TEXT.to_owned(),
            data: true,
            ..Default::default()
        })
    }

    async fn list_data_sources(
        &self,
        ctx: &RequestContext,
        req: ListDataSourcesRequest,
    ) -> Result<ListDataSourcesResponse, ListDataSourcesError> {
        let input = domain::ListConnections {
            project_id: req.project_id,
            name: req.name,
            connection_type: req.data_source_type.map(|t| t.as_str().to_owned()),
            sub_type: req.sub_type.map(|s| s.as_str().to_owned()),
            status: req.status,
            env_type: req.env_type,
            page_number: Some(req.page_number),
            page_size: Some(req.page_size),
        };
        let err = to_api::<ListDataSourcesError>(ctx);
        let page = self
            .service
            .list_connections(&caller(ctx).map_err(&err)?, input)
            .await
            .map_err(&err)?;
        let (page_number, page_size, total_count, data_sources) = data_source_page(page);
        Ok(ListDataSourcesResponse {
            success: true,
            http_status_code: HTTP_OK,
            data: ListDataSourcesData {
                page_number,
                page_size,
                total_count,
                data_sources,
            },
            ..Default::default()
        })
    }

    async fn delete_data_source(
        &self,
        ctx: &RequestContext,
        req: DeleteDataSourceRequest,
    ) -> Result<DeleteDataSourceResponse, DeleteDataSourceError> {
        let err = to_api::<DeleteDataSourceError>(ctx);
        self.service
            .delete_connection(&caller(ctx).map_err(&err)?, req.data_source_id)
            .await
            .map_err(&err)?;
        Ok(DeleteDataSourceResponse {
            success: true,
            http_status_code: HTTP_OK_TEXT.to_owned(),
            data: true,
            ..Default::default()
        })
    }

    async fn export_data_sources(
        &self,
        ctx: &RequestContext,
        req: ExportDataSourcesRequest,
    ) -> Result<ExportDataSourcesResponse, ExportDataSourcesError> {
        let input = domain::ListConnections {
            project_id: req.project_id,
            name: req.name,
            connection_type: req.data_source_type.map(|t| t.as_str().to_owned()),
            sub_type: req.sub_type.map(|s| s.as_str().to_owned()),
            status: None,
            env_type: req.env_type,
            page_number: Some(req.page_number),
            page_size: Some(req.page_size),
        };
        let err = to_api::<ExportDataSourcesError>(ctx);
        let page = self
            .service
            .list_own_connections(&caller(ctx).map_err(&err)?, input)
            .await
            .map_err(&err)?;
        let (page_number, page_size, total_count, data_sources) = data_source_page(page);
        Ok(ExportDataSourcesResponse {
            success: true,
            http_status_code: HTTP_OK,
            data: ExportDataSourcesData {
                page_number,
                page_size,
                total_count,
                data_sources,
            },
            ..Default::default()
        })
    }

    async fn import_data_sources(
        &self,
        ctx: &RequestContext,
        req: ImportDataSourcesRequest,
    ) -> Result<ImportDataSourcesResponse, ImportDataSourcesError> {
        let err = to_api::<ImportDataSourcesError>(ctx);
        let outcome = self
            .service
            .import_data_sources(
                &caller(ctx).map_err(&err)?,
                req.project_id,
                &req.data_sources,
            )
            .await
            .map_err(&err)?;
        Ok(ImportDataSourcesResponse {
            success: true,
            data: ImportDataSourcesData {
                status: outcome.failures.is_empty(),
                message: outcome.failures.join("; "),
            },
            ..Default::default()
        })
    }

    async fn set_data_source_share(
        &self,
        ctx: &RequestContext,
        req: SetDataSourceShareRequest,
    ) -> Result<SetDataSourceShareResponse, SetDataSourceShareError> {
        let input = domain::SetDataSourceShare {
            project_id: req.project_id,
            datasource_name: req.datasource_name,
            env_type: req.env_type,
            project_permissions: req.project_permissions,
            user_permissions: req.user_permissions,
        };
        let err = to_api::<SetDataSourceShareError>(ctx);
        let outcome = self
            .service
            .set_data_source_share(&caller(ctx).map_err(&err)?, input)
            .await
            .map_err(&err)?;
        Ok(SetDataSourceShareResponse {
            success: true,
            data: SetDataSourceShareData {
                status: if outcome.applied { "success" } else { "fail" }.to_owned(),
                message: outcome.message,
            },
            ..Default::default()
        })
    }
}

/// PageNumber, PageSize, TotalCount and the rows of a page, under the DataSource family's names.
fn data_source_page(page: ConnectionPage) -> (i32, i32, i32, Vec<DataSource>) {
    (
        page.page_number,
        page.page_size,
        i32::try_from(page.total_count).unwrap_or(i32::MAX),
        page.connections.into_iter().map(data_source).collect(),
    )
}

fn data_source(view: ConnectionView) -> DataSource {
    let c = connection(view);
    DataSource {
        id: c.id,
        name: c.name,
        project_id: c.project_id,
        tenant_id: c.tenant_id,
        data_source_type: c.connection_type,
        sub_type: c.sub_type,
        content: c.content,
        description: c.description,
        env_type: c.env_type,
        status: c.status,
        connect_status: c.connect_status,
        shared: c.shared,
        sequence: c.sequence,
        binding_calc_engine_id: c.binding_calc_engine_id,
        default_engine: c.default_engine,
        operator: c.operator,
        gmt_create: c.gmt_create,
        gmt_modified: c.gmt_modified,
    }
}

fn connection(view: ConnectionView) -> Connection {
    Connection {
        id: view.id,
        name: view.name,
        project_id: view.project_id,
        tenant_id: view.tenant_id,
        connection_type: view.connection_type,
        sub_type: view.sub_type,
        content: view.content,
        description: view.description,
        env_type: view.env_type,
        status: view.status,
        connect_status: view.connect_status,
        shared: view.shared,
        sequence: i32::try_from(view.sequence).unwrap_or(i32::MAX),
        binding_calc_engine_id: view.binding_calc_engine_id,
        default_engine: view.default_engine,
        operator: view.operator,
        gmt_create: view.gmt_create,
        gmt_modified: view.gmt_modified,
    }
}

/// What the adapter needs of every generated per-operation error enum.
trait OperationError: Sized {
    /// The codes the operation documents (its own and the common ones), with status and message.
    const CODES: &'static [ErrorCode];
    fn from_code(http_status: u16, code: &str, message: &str) -> Self;

    fn internal() -> Self {
        Self::from_code(500, "InternalError", "")
    }
}

macro_rules! operation_errors {
    ($($error:ty),* $(,)?) => {$(
        impl OperationError for $error {
            const CODES: &'static [ErrorCode] = <$error>::CODES;
            fn from_code(http_status: u16, code: &str, message: &str) -> Self {
                <$error>::from_code(http_status, code, message)
            }
        }
    )*};
}

operation_errors!(
    CreateConnectionError,
    UpdateConnectionError,
    ListConnectionsError,
    DeleteConnectionError,
    TestNetworkConnectionError,
    CreateDataSourceError,
    UpdateDataSourceError,
    ListDataSourcesError,
    DeleteDataSourceError,
    ExportDataSourcesError,
    ImportDataSourcesError,
    SetDataSourceShareError,
);

/// The one mapping from domain errors to wire codes, as a `map_err` argument.
fn to_api<E: OperationError>(ctx: &RequestContext) -> impl Fn(DomainError) -> E + '_ {
    move |error| to_api_error(ctx, error)
}

/// Status and message come from the spec's table for the operation. Some domain errors have a
/// more specific code in some operations' tables (the DataSource family's `ConnectionAlreadyExist`
/// and `MissingParam.ConnectionStr.Property`): the first candidate the operation documents is
/// answered. A domain error an operation does not document at all is a bug, answered as
/// `InternalError` and logged.
fn to_api_error<E: OperationError>(ctx: &RequestContext, error: DomainError) -> E {
    type Candidate = (&'static str, Vec<(&'static str, String)>, Option<String>);
    let candidates: Vec<Candidate> = match &error {
        DomainError::UserNotInTenant => vec![("Invalid.Tenant.UserNotInTenant", vec![], None)],
        DomainError::ProjectNotExists => vec![("Invalid.Tenant.ProjectNotExists", vec![], None)],
        DomainError::UserNotInProject => vec![("Invalid.Tenant.UserNotInProject", vec![], None)],
        DomainError::UserIsNotProjectOwnerOrAdmin => {
            vec![("Invalid.Tenant.UserIsNotProjectOwnerOrAdmin", vec![], None)]
        }
        DomainError::ConnectionNotExists => {
            vec![("Invalid.Tenant.ConnectionNotExists", vec![], None)]
        }
        DomainError::DataSourceStatus => vec![(
            "Invalid.DataSource.DataSourceStatus",
            vec![("status", "DISABLED".to_owned())],
            None,
        )],
        DomainError::BoundToCalcEngine => vec![("Invalid.Operation", vec![], None)],
        DomainError::NameConflict { name, env_type } => vec![
            (
                "ConnectionAlreadyExist",
                vec![("envType", env_type.to_string()), ("name", name.clone())],
                None,
            ),
            ("Invalid.DataSource.NameDuplicate", vec![], None),
        ],
        DomainError::ContentPropertyMissing { property, reason } => vec![
            (
                "MissingParam.ConnectionStr.Property",
                vec![("property", property.clone())],
                None,
            ),
            (
                "InvalidParameter",
                vec![("name", "Content".to_owned())],
                Some(reason.clone()),
            ),
        ],
        DomainError::InvalidParameter { name, reason } => vec![(
            "InvalidParameter",
            vec![("name", (*name).to_owned())],
            Some(reason.clone()),
        )],
        DomainError::Internal => {
            tracing::error!(request_id = %ctx.request_id, operation = %ctx.operation, "internal error");
            return E::internal();
        }
    };
    let found = candidates.into_iter().find_map(|(code, values, detail)| {
        E::CODES
            .iter()
            .find(|c| c.code == code)
            .map(|documented| (documented, values, detail))
    });
    let Some((documented, values, detail)) = found else {
        tracing::error!(
            request_id = %ctx.request_id,
            operation = %ctx.operation,
            error = %error,
            "domain error not documented for this operation"
        );
        return E::internal();
    };
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut message = documented.message_with(&values);
    if let Some(reason) = detail {
        message.push(' ');
        message.push_str(&reason);
    }
    E::from_code(documented.http_status, documented.code, &message)
}
