//! The DataSource family (CreateDataSource, UpdateDataSource, ListDataSources, DeleteDataSource,
//! ExportDataSources, ImportDataSources, SetDataSourceShare) end to end: `app(..)` over real
//! loopback HTTP, called with the GENERATED client in every mode (V3/v1 signatures, JSON/XML),
//! on SQLite and on PostgreSQL. Both families over one store, every documented error code as its
//! typed variant, export/import round trips and sharing inside a tenant only.

mod api_support;
mod common;

use std::collections::HashSet;

use api_support::{Served, MODES};
use common::mysql_content;
use connection_service::content::{self, MASK};
use connection_service::domain::Role;
use connection_service::store::SharePermission;
use dataworks_client::*;

/// Unwraps an API error into (typed code, HTTP status), failing on anything else.
fn api<E: std::fmt::Debug>(result: Result<impl std::fmt::Debug, Error<E>>) -> (E, u16) {
    match result {
        Err(Error::Api {
            error,
            http_status,
            request_id,
            ..
        }) => {
            assert!(
                !request_id.is_empty(),
                "an error answer carries its request id"
            );
            (error, http_status)
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// The stored (decrypted) password of data source `id`.
async fn stored_password(s: &Served, id: i64) -> Option<String> {
    let rec =
        s.h.store
            .connection_access(s.w.owner.user_id, id)
            .await
            .unwrap()
            .connection?;
    content::unsealed(&rec.content, &s.h.cipher).unwrap()["password"]
        .as_str()
        .map(str::to_owned)
}

/// A second project of tenant A where alice is owner and dave a developer.
async fn sibling_project(s: &Served, name: &str) -> i64 {
    let p = s.h.admin.create_project("tenant-a", name).await.unwrap();
    s.h.admin
        .add_member(p.id, "alice", Role::Owner)
        .await
        .unwrap();
    s.h.admin
        .add_member(p.id, "dave", Role::Developer)
        .await
        .unwrap();
    p.id
}

async fn data_source_family_in_every_mode(s: &Served) {
    let mut request_ids = HashSet::new();
    for (i, (signature, format)) in MODES.into_iter().enumerate() {
        let mode = format!("{signature:?}/{format:?}");
        let client = s.client_in("alice", signature, format);
        let name = format!("ds-{signature:?}-{format:?}").to_lowercase();

        let created = client
            .create_data_source(
                CreateDataSourceRequest::new(
                    s.w.project,
                    name.as_str(),
                    ConnectionType::Mysql,
                    mysql_content("pw-ds"),
                    0,
                )
                .description("first"),
            )
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert!(
            created.success && created.http_status_code == "200",
            "{mode}"
        );
        assert!(
            request_ids.insert(created.request_id().to_owned()),
            "{mode}"
        );
        let id = created.data;

        // UpdateDataSource with every parameter, then with Description only: Content, its
        // secret and EnvType stay.
        let updated = client
            .update_data_source(
                UpdateDataSourceRequest::new(id)
                    .content(mysql_content("pw-ds-2"))
                    .env_type(0)
                    .description("second"),
            )
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert!(updated.data && updated.http_status_code == "200", "{mode}");
        client
            .update_data_source(UpdateDataSourceRequest::new(id).description("third"))
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert_eq!(stored_password(s, id).await.as_deref(), Some("pw-ds-2"));
        // Moving it to production alone keeps the Content.
        client
            .update_data_source(
                UpdateDataSourceRequest::new(id)
                    .env_type(1)
                    .status("DISABLED"),
            )
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert_eq!(stored_password(s, id).await.as_deref(), Some("pw-ds-2"));

        let listed = client
            .list_data_sources(
                ListDataSourcesRequest::new(s.w.project)
                    .name(name.as_str())
                    .page_size(20),
            )
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert_eq!(listed.http_status_code, 200);
        assert!(request_ids.insert(listed.request_id().to_owned()));
        let page = &listed.data;
        assert_eq!(
            (page.page_number, page.page_size, page.total_count),
            (1, 20, 1),
            "{mode}"
        );
        let d = &page.data_sources[0];
        assert_eq!((d.id, d.name.as_str()), (id, name.as_str()), "{mode}");
        assert_eq!(d.data_source_type, "mysql");
        assert_eq!(
            (d.env_type, d.status, d.description.as_str()),
            (1, 2, "third")
        );
        assert_eq!((d.project_id, d.tenant_id), (s.w.project, s.w.tenant_a));
        assert!(
            d.content.contains(MASK) && !d.content.contains("pw-ds"),
            "{mode}"
        );
        assert!(!d.shared);
        assert_eq!(d.operator, "alice");
        // The Status filter of ListDataSources.
        let enabled = client
            .list_data_sources(
                ListDataSourcesRequest::new(s.w.project)
                    .name(name.as_str())
                    .status("ENABLED"),
            )
            .await
            .unwrap();
        assert_eq!(enabled.data.total_count, 0, "{mode}");

        // Export: the same row, secrets masked.
        let exported = client
            .export_data_sources(
                ExportDataSourcesRequest::new(s.w.project)
                    .name(name.as_str())
                    .data_source_type(ConnectionType::Mysql)
                    .env_type(1),
            )
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert!(exported.success && exported.http_status_code == 200);
        assert_eq!(exported.data.total_count, 1, "{mode}");
        let e = &exported.data.data_sources[0];
        assert_eq!((e.id, e.data_source_type.as_str()), (id, "mysql"));
        assert!(e.content.contains(MASK) && !e.content.contains("pw-ds"));

        // Import the export into a fresh project: refused while the secret is masked, accepted
        // with it filled in.
        let target = sibling_project(s, &format!("import-{i}")).await;
        let entry = |content: &str| {
            serde_json::json!([{
                "Name": e.name, "DataSourceType": e.data_source_type, "SubType": e.sub_type,
                "Description": e.description, "Content": content, "EnvType": e.env_type,
                "Id": e.id, "Shared": e.shared,
            }])
            .to_string()
        };
        let refused = client
            .import_data_sources(ImportDataSourcesRequest::new(target, entry(&e.content)))
            .await
            .unwrap_or_else(|err| panic!("{mode}: {err}"));
        assert!(refused.success && !refused.data.status, "{mode}");
        assert!(
            refused.data.message.contains("password"),
            "{}",
            refused.data.message
        );
        let mut filled: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&e.content).unwrap();
        filled.insert("password".into(), "pw-imported".into());
        let filled = serde_json::Value::Object(filled).to_string();
        let imported = client
            .import_data_sources(ImportDataSourcesRequest::new(target, entry(&filled)))
            .await
            .unwrap_or_else(|err| panic!("{mode}: {err}"));
        assert!(imported.data.status, "{mode}: {}", imported.data.message);
        assert_eq!(imported.data.message, "");
        assert!(request_ids.insert(imported.request_id().to_owned()));
        let there = client
            .export_data_sources(ExportDataSourcesRequest::new(target))
            .await
            .unwrap();
        assert_eq!(there.data.total_count, 1, "{mode}");
        let copy = &there.data.data_sources[0];
        assert_ne!(copy.id, id);
        assert_eq!(
            (
                copy.name.as_str(),
                copy.data_source_type.as_str(),
                copy.env_type
            ),
            (e.name.as_str(), "mysql", 1)
        );
        assert_eq!(copy.description, "third");
        assert_eq!(
            stored_password(s, copy.id).await.as_deref(),
            Some("pw-imported")
        );
        // The same import again: the name is taken, so nothing is imported and the entry is named.
        let again = client
            .import_data_sources(ImportDataSourcesRequest::new(target, entry(&filled)))
            .await
            .unwrap();
        assert!(
            !again.data.status && again.data.message.contains(&name),
            "{mode}"
        );

        // Share the original with the new project: Shared shows in every listing.
        let shared = client
            .set_data_source_share(
                SetDataSourceShareRequest::new(s.w.project, name.as_str())
                    .env_type("1")
                    .project_permissions(format!(
                        r#"[{{"projectId":{target},"permission":"READ","sharedName":"p.{name}"}}]"#
                    )),
            )
            .await
            .unwrap_or_else(|err| panic!("{mode}: {err}"));
        assert!(shared.success, "{mode}");
        assert_eq!(
            (shared.data.status.as_str(), shared.data.message.as_str()),
            ("success", ""),
            "{mode}"
        );
        assert!(request_ids.insert(shared.request_id().to_owned()));
        let after = client
            .list_data_sources(ListDataSourcesRequest::new(s.w.project).name(name.as_str()))
            .await
            .unwrap();
        assert!(after.data.data_sources[0].shared, "{mode}");
        let as_connection = client
            .list_connections(ListConnectionsRequest::new(s.w.project).name(name.as_str()))
            .await
            .unwrap();
        assert!(as_connection.data.connections[0].shared, "{mode}");
        let shares = s.h.store.list_shares(id).await.unwrap();
        assert_eq!(shares.len(), 1);
        assert_eq!(
            (
                shares[0].project_id,
                shares[0].user_id,
                shares[0].permission
            ),
            (target, 0, SharePermission::Read)
        );
        assert_eq!(shares[0].shared_name, format!("p.{name}"));

        let deleted = client
            .delete_data_source(DeleteDataSourceRequest::new(id))
            .await
            .unwrap_or_else(|err| panic!("{mode}: {err}"));
        assert!(deleted.data && deleted.http_status_code == "200", "{mode}");
        assert!(request_ids.insert(deleted.request_id().to_owned()));
        let gone = client
            .list_data_sources(ListDataSourcesRequest::new(s.w.project).name(name.as_str()))
            .await
            .unwrap();
        assert_eq!(gone.data.total_count, 0, "{mode}");
        assert!(gone.data.data_sources.is_empty());
        assert!(
            s.h.store.list_shares(id).await.unwrap().is_empty(),
            "{mode}: the shares went with the data source"
        );
    }
}

async fn both_families_share_one_store(s: &Served) {
    let alice = s.client("alice");
    // Connection -> DataSource.
    let id = alice
        .create_connection(CreateConnectionRequest::new(
            s.w.project,
            "made-as-connection",
            ConnectionType::Mysql,
            mysql_content("pw-c"),
            0,
        ))
        .await
        .unwrap()
        .data;
    let listed = alice
        .list_data_sources(ListDataSourcesRequest::new(s.w.project).name("made-as-connection"))
        .await
        .unwrap();
    assert_eq!(listed.data.total_count, 1);
    let d = &listed.data.data_sources[0];
    assert_eq!((d.id, d.data_source_type.as_str()), (id, "mysql"));
    assert!(d.content.contains(MASK) && !d.content.contains("pw-c"));
    // Sending the mask back through the other family keeps the secret.
    alice
        .update_data_source(
            UpdateDataSourceRequest::new(id)
                .content(d.content.clone())
                .env_type(0)
                .description("via DataSource"),
        )
        .await
        .unwrap();
    assert_eq!(stored_password(s, id).await.as_deref(), Some("pw-c"));
    let seen = alice
        .list_connections(ListConnectionsRequest::new(s.w.project).name("made-as-connection"))
        .await
        .unwrap();
    assert_eq!(seen.data.connections[0].description, "via DataSource");
    assert_eq!(seen.data.connections[0].id, id);
    alice
        .delete_data_source(DeleteDataSourceRequest::new(id))
        .await
        .unwrap();
    let (e, st) = api(alice
        .update_connection(UpdateConnectionRequest::new(id, mysql_content("x"), 0))
        .await);
    assert!(matches!(
        e,
        UpdateConnectionError::InvalidTenantConnectionNotExists
    ));
    assert_eq!(st, 400);

    // DataSource -> Connection.
    let id = alice
        .create_data_source(
            CreateDataSourceRequest::new(
                s.w.project,
                "made-as-data-source",
                ConnectionType::Rds,
                serde_json::json!({
                    "configType": 1, "tag": "rds", "database": "d", "username": "u",
                    "password": "pw-d", "instanceName": "rm-1", "rdsOwnerId": "1",
                })
                .to_string(),
                1,
            )
            .sub_type(SubType::Sqlserver),
        )
        .await
        .unwrap()
        .data;
    let seen = alice
        .list_connections(ListConnectionsRequest::new(s.w.project).name("made-as-data-source"))
        .await
        .unwrap();
    let c = &seen.data.connections[0];
    assert_eq!(
        (c.id, c.connection_type.as_str(), c.sub_type.as_str()),
        (id, "rds", "sqlserver")
    );
    assert!(c.content.contains(MASK) && !c.content.contains("pw-d"));
    alice
        .update_connection(
            UpdateConnectionRequest::new(id, c.content.clone(), 1).description("via Connection"),
        )
        .await
        .unwrap();
    assert_eq!(stored_password(s, id).await.as_deref(), Some("pw-d"));
    let back = alice
        .list_data_sources(
            ListDataSourcesRequest::new(s.w.project)
                .data_source_type(ConnectionType::Rds)
                .sub_type(SubType::Sqlserver),
        )
        .await
        .unwrap();
    assert_eq!(back.data.total_count, 1);
    assert_eq!(back.data.data_sources[0].description, "via Connection");
    // Names are unique across both families.
    let (e, st) = api(alice
        .create_connection(CreateConnectionRequest::new(
            s.w.project,
            "made-as-data-source",
            ConnectionType::Mysql,
            mysql_content("x"),
            1,
        ))
        .await);
    assert!(matches!(
        e,
        CreateConnectionError::InvalidDataSourceNameDuplicate
    ));
    assert_eq!(st, 400);
    alice
        .delete_connection(DeleteConnectionRequest::new(id))
        .await
        .unwrap();
    let (e, _) = api(alice
        .delete_data_source(DeleteDataSourceRequest::new(id))
        .await);
    assert!(matches!(
        e,
        DeleteDataSourceError::InvalidTenantConnectionNotExists
    ));
    // TotalCount of both listings agrees after all that.
    let a = alice
        .list_connections(ListConnectionsRequest::new(s.w.project))
        .await
        .unwrap();
    let b = alice
        .list_data_sources(ListDataSourcesRequest::new(s.w.project))
        .await
        .unwrap();
    assert_eq!(a.data.total_count, b.data.total_count);
    assert_eq!(a.data.total_count as usize, a.data.connections.len());
}

async fn every_documented_error_code(s: &Served) {
    let w = &s.w;
    let owner = s.client("alice");
    let id = owner
        .create_data_source(CreateDataSourceRequest::new(
            w.project,
            "target",
            ConnectionType::Mysql,
            mysql_content("pw-1"),
            0,
        ))
        .await
        .unwrap()
        .data;
    owner
        .create_data_source(CreateDataSourceRequest::new(
            w.project,
            "target",
            ConnectionType::Mysql,
            mysql_content("pw-1"),
            1,
        ))
        .await
        .unwrap();
    for (signature, format) in MODES {
        let mode = format!("{signature:?}/{format:?}");
        let as_user = |user: &str| s.client_in(user, signature, format);
        let create = |name: &str| {
            CreateDataSourceRequest::new(
                w.project,
                name,
                ConnectionType::Mysql,
                mysql_content("pw"),
                0,
            )
        };
        let update = || UpdateDataSourceRequest::new(id).description("x");
        let list = || ListDataSourcesRequest::new(w.project);
        let export = || ExportDataSourcesRequest::new(w.project);
        let import = || ImportDataSourcesRequest::new(w.project, "[]");
        let share = || SetDataSourceShareRequest::new(w.project, "target");
        let delete = || DeleteDataSourceRequest::new(id);

        // A user in no tenant: 403 everywhere.
        let c = as_user("nomad");
        let (e, st) = api(c.create_data_source(create("n")).await);
        assert!(
            matches!(e, CreateDataSourceError::InvalidTenantUserNotInTenant),
            "{mode}: {e:?}"
        );
        assert_eq!(st, 403);
        let (e, st) = api(c.update_data_source(update()).await);
        assert!(
            matches!(e, UpdateDataSourceError::InvalidTenantUserNotInTenant),
            "{mode}"
        );
        assert_eq!(st, 403);
        let (e, _) = api(c.list_data_sources(list()).await);
        assert!(matches!(
            e,
            ListDataSourcesError::InvalidTenantUserNotInTenant
        ));
        let (e, _) = api(c.delete_data_source(delete()).await);
        assert!(matches!(
            e,
            DeleteDataSourceError::InvalidTenantUserNotInTenant
        ));
        let (e, _) = api(c.export_data_sources(export()).await);
        assert!(matches!(
            e,
            ExportDataSourcesError::InvalidTenantUserNotInTenant
        ));
        let (e, _) = api(c.import_data_sources(import()).await);
        assert!(matches!(
            e,
            ImportDataSourcesError::InvalidTenantUserNotInTenant
        ));
        let (e, st) = api(c.set_data_source_share(share()).await);
        assert!(
            matches!(e, SetDataSourceShareError::InvalidTenantUserNotInTenant),
            "{mode}"
        );
        assert_eq!(st, 403);

        // In the tenant, not in the project: 400.
        let c = as_user("olga");
        let (e, st) = api(c.create_data_source(create("o")).await);
        assert!(matches!(
            e,
            CreateDataSourceError::InvalidTenantUserNotInProject
        ));
        assert_eq!(st, 400);
        let (e, _) = api(c.update_data_source(update()).await);
        assert!(matches!(
            e,
            UpdateDataSourceError::InvalidTenantUserNotInProject
        ));
        let (e, _) = api(c.list_data_sources(list()).await);
        assert!(matches!(
            e,
            ListDataSourcesError::InvalidTenantUserNotInProject
        ));
        let (e, _) = api(c.delete_data_source(delete()).await);
        assert!(matches!(
            e,
            DeleteDataSourceError::InvalidTenantUserNotInProject
        ));
        let (e, _) = api(c.export_data_sources(export()).await);
        assert!(matches!(
            e,
            ExportDataSourcesError::InvalidTenantUserNotInProject
        ));
        let (e, st) = api(c.import_data_sources(import()).await);
        assert!(matches!(
            e,
            ImportDataSourcesError::InvalidTenantUserNotInProject
        ));
        assert_eq!(st, 400);
        let (e, _) = api(c.set_data_source_share(share()).await);
        assert!(matches!(
            e,
            SetDataSourceShareError::InvalidTenantUserNotInProject
        ));

        // Developers and visitors read (list, export) but change nothing: 403.
        for user in ["dave", "vera"] {
            let c = as_user(user);
            let (e, st) = api(c.create_data_source(create("d")).await);
            assert!(
                matches!(
                    e,
                    CreateDataSourceError::InvalidTenantUserIsNotProjectOwnerOrAdmin
                ),
                "{mode} {user}"
            );
            assert_eq!(st, 403);
            let (e, _) = api(c.update_data_source(update()).await);
            assert!(matches!(
                e,
                UpdateDataSourceError::InvalidTenantUserIsNotProjectOwnerOrAdmin
            ));
            let (e, _) = api(c.delete_data_source(delete()).await);
            assert!(matches!(
                e,
                DeleteDataSourceError::InvalidTenantUserIsNotProjectOwnerOrAdmin
            ));
            let (e, st) = api(c.import_data_sources(import()).await);
            assert!(matches!(
                e,
                ImportDataSourcesError::InvalidTenantUserIsNotProjectOwnerOrAdmin
            ));
            assert_eq!(st, 403);
            let (e, _) = api(c.set_data_source_share(share()).await);
            assert!(matches!(
                e,
                SetDataSourceShareError::InvalidTenantUserIsNotProjectOwnerOrAdmin
            ));
            assert_eq!(
                c.list_data_sources(list()).await.unwrap().data.total_count,
                2
            );
            assert_eq!(
                c.export_data_sources(export())
                    .await
                    .unwrap()
                    .data
                    .total_count,
                2
            );
        }

        // Missing data sources, and other tenants' ones, do not exist.
        let alice = as_user("alice");
        let (e, st) = api(alice
            .update_data_source(UpdateDataSourceRequest::new(id + 10_000).description("x"))
            .await);
        assert!(matches!(
            e,
            UpdateDataSourceError::InvalidTenantConnectionNotExists
        ));
        assert_eq!(st, 400);
        let (e, _) = api(alice
            .delete_data_source(DeleteDataSourceRequest::new(id + 10_000))
            .await);
        assert!(matches!(
            e,
            DeleteDataSourceError::InvalidTenantConnectionNotExists
        ));
        let (e, st) = api(alice
            .set_data_source_share(SetDataSourceShareRequest::new(w.project, "no-such-name"))
            .await);
        assert!(
            matches!(e, SetDataSourceShareError::InvalidTenantConnectionNotExists),
            "{mode}"
        );
        assert_eq!(st, 400);
        let boris = as_user("boris");
        let (e, _) = api(boris.update_data_source(update()).await);
        assert!(matches!(
            e,
            UpdateDataSourceError::InvalidTenantConnectionNotExists
        ));
        let (e, _) = api(boris.delete_data_source(delete()).await);
        assert!(matches!(
            e,
            DeleteDataSourceError::InvalidTenantConnectionNotExists
        ));
        // Other tenants' projects do not exist.
        let (e, st) = api(boris.list_data_sources(list()).await);
        assert!(matches!(
            e,
            ListDataSourcesError::InvalidTenantProjectNotExists
        ));
        assert_eq!(st, 400);
        let (e, _) = api(boris.export_data_sources(export()).await);
        assert!(matches!(
            e,
            ExportDataSourcesError::InvalidTenantProjectNotExists
        ));
        let (e, _) = api(boris.import_data_sources(import()).await);
        assert!(matches!(
            e,
            ImportDataSourcesError::InvalidTenantProjectNotExists
        ));
        let (e, _) = api(boris.set_data_source_share(share()).await);
        assert!(matches!(
            e,
            SetDataSourceShareError::InvalidTenantProjectNotExists
        ));
        let (e, _) = api(boris.create_data_source(create("b")).await);
        assert!(matches!(
            e,
            CreateDataSourceError::InvalidTenantProjectNotExists
        ));

        // Names are unique per project and environment: CreateDataSource answers Alibaba's
        // ConnectionAlreadyExist with both filled in.
        let (e, st) = api(alice.create_data_source(create("target")).await);
        assert!(
            matches!(&e, CreateDataSourceError::ConnectionAlreadyExist { message }
                if message == "The connection with envType 0 and name target already exists."),
            "{mode}: {e:?}"
        );
        assert_eq!(st, 400);
        let (e, st) = api(alice
            .update_data_source(UpdateDataSourceRequest::new(id).env_type(1))
            .await);
        assert!(
            matches!(e, UpdateDataSourceError::InvalidDataSourceNameDuplicate),
            "{mode}: {e:?}"
        );
        assert_eq!(st, 400);

        // Content without a key its type requires: UpdateDataSource names the property
        // (MissingParam.ConnectionStr.Property), with Content and EnvType or Content alone;
        // UpdateConnection, which documents no such code, answers InvalidParameter.
        let no_password = r#"{"username":"u","instanceName":"rm","database":"db"}"#;
        for request in [
            UpdateDataSourceRequest::new(id)
                .content(no_password)
                .env_type(0),
            UpdateDataSourceRequest::new(id).content(no_password),
        ] {
            let (e, st) = api(alice.update_data_source(request).await);
            assert!(
                matches!(&e, UpdateDataSourceError::MissingParamConnectionStrProperty { message }
                    if message == "You must specify property password required by the data source connection string."),
                "{mode}: {e:?}"
            );
            assert_eq!(st, 400);
        }
        let (e, st) = api(alice
            .update_connection(UpdateConnectionRequest::new(id, no_password, 0))
            .await);
        assert!(
            matches!(&e, UpdateConnectionError::InvalidParameter { message } if message.contains("\"Content\"") && message.contains("password")),
            "{mode}: {e:?}"
        );
        assert_eq!(st, 400);

        // Values the spec allows but the rules refuse name their parameter.
        let (e, st) = api(alice
            .update_data_source(UpdateDataSourceRequest::new(id).content("{not json"))
            .await);
        assert!(
            matches!(&e, UpdateDataSourceError::InvalidParameter { message } if message.contains("\"Content\"")),
            "{mode}: {e:?}"
        );
        assert_eq!(st, 400);
        let (e, _) = api(alice
            .import_data_sources(ImportDataSourcesRequest::new(
                w.project,
                "{\"not\":\"a list\"}",
            ))
            .await);
        assert!(
            matches!(&e, ImportDataSourcesError::InvalidParameter { message } if message.contains("\"DataSources\"")),
            "{mode}: {e:?}"
        );
        let (e, _) = api(alice
            .set_data_source_share(
                share().project_permissions(r#"[{"projectId":1,"permission":"ALL"}]"#),
            )
            .await);
        assert!(
            matches!(&e, SetDataSourceShareError::InvalidParameter { message } if message.contains("\"ProjectPermissions\"")),
            "{mode}: {e:?}"
        );
    }

    // A data source bound to a compute engine cannot be deleted (Invalid.Operation), by
    // either family, until it is unbound.
    let bound = owner
        .create_data_source(CreateDataSourceRequest::new(
            w.project,
            "bound",
            ConnectionType::Mysql,
            mysql_content("pw"),
            0,
        ))
        .await
        .unwrap()
        .data;
    assert!(s.h.store.set_binding_calc_engine(bound, 7).await.unwrap());
    for format in [Format::Json, Format::Xml] {
        let c = owner.with_format(format);
        let (e, st) = api(c
            .delete_data_source(DeleteDataSourceRequest::new(bound))
            .await);
        assert!(
            matches!(e, DeleteDataSourceError::InvalidOperation),
            "{format:?}: {e:?}"
        );
        assert_eq!(st, 400);
        let (e, st) = api(c
            .delete_connection(DeleteConnectionRequest::new(bound))
            .await);
        assert!(
            matches!(e, DeleteConnectionError::InvalidOperation),
            "{format:?}: {e:?}"
        );
        assert_eq!(st, 400);
    }
    assert!(s.h.store.set_binding_calc_engine(bound, 0).await.unwrap());
    owner
        .delete_data_source(DeleteDataSourceRequest::new(bound))
        .await
        .unwrap();

    // A soft-deleted project no longer exists for any operation on it.
    s.h.admin.delete_project(w.project).await.unwrap();
    for format in [Format::Json, Format::Xml] {
        let c = owner.with_format(format);
        let (e, st) = api(c
            .create_data_source(CreateDataSourceRequest::new(
                w.project,
                "late",
                ConnectionType::Mysql,
                mysql_content("pw"),
                0,
            ))
            .await);
        assert!(matches!(
            e,
            CreateDataSourceError::InvalidTenantProjectNotExists
        ));
        assert_eq!(st, 400);
        let (e, _) = api(c
            .update_data_source(UpdateDataSourceRequest::new(id).description("x"))
            .await);
        assert!(
            matches!(e, UpdateDataSourceError::InvalidTenantProjectNotExists),
            "{e:?}"
        );
        let (e, _) = api(c.delete_data_source(DeleteDataSourceRequest::new(id)).await);
        assert!(matches!(
            e,
            DeleteDataSourceError::InvalidTenantProjectNotExists
        ));
        let (e, _) = api(c
            .list_data_sources(ListDataSourcesRequest::new(w.project))
            .await);
        assert!(matches!(
            e,
            ListDataSourcesError::InvalidTenantProjectNotExists
        ));
    }
}

async fn import_reports_each_entry(s: &Served) {
    let alice = s.client("alice");
    let entries = serde_json::json!([
        {"Name": "ok-1", "DataSourceType": "mysql", "EnvType": 0, "Content": mysql_content("pw-1")},
        {"name": "ok-2", "dataSourceType": "mysql", "envType": "1",
         "content": serde_json::from_str::<serde_json::Value>(&mysql_content("pw-2")).unwrap()},
        {"Name": "masked", "DataSourceType": "mysql", "EnvType": 0, "Content": mysql_content("***")},
        {"Name": "no-type", "EnvType": 0, "Content": mysql_content("pw")},
        {"Name": "bad-type", "DataSourceType": "cobol", "EnvType": 0, "Content": mysql_content("pw")},
        {"Name": "no-password", "DataSourceType": "mysql", "EnvType": 0,
         "Content": "{\"username\":\"u\",\"instanceName\":\"rm\"}"},
        {"Name": "ok-1", "DataSourceType": "mysql", "EnvType": 0, "Content": mysql_content("pw-3")},
    ])
    .to_string();
    let answer = alice
        .import_data_sources(ImportDataSourcesRequest::new(s.w.project, entries))
        .await
        .unwrap();
    assert!(answer.success && !answer.data.status);
    let message = &answer.data.message;
    for part in [
        "DataSources[2] (\"masked\"): Content holds masked secrets (password)",
        "DataSources[3] (\"no-type\"): DataSourceType is missing",
        "DataSources[4] (\"bad-type\")",
        "DataSources[5] (\"no-password\")",
        "DataSources[6] (\"ok-1\"): a data source with this name already exists",
    ] {
        assert!(message.contains(part), "{part:?} not in {message}");
    }
    assert!(
        !message.contains("pw-"),
        "no secret in the message: {message}"
    );
    let listed = alice
        .list_data_sources(ListDataSourcesRequest::new(s.w.project))
        .await
        .unwrap();
    let mut names: Vec<&str> = listed
        .data
        .data_sources
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["ok-1", "ok-2"]);
    let ok2 = listed
        .data
        .data_sources
        .iter()
        .find(|d| d.name == "ok-2")
        .unwrap();
    assert_eq!(ok2.env_type, 1);
    assert_eq!(stored_password(s, ok2.id).await.as_deref(), Some("pw-2"));
    // More than one page of entries is refused as a whole.
    let many: Vec<serde_json::Value> = (0..101)
        .map(|i| serde_json::json!({"Name": format!("m{i}"), "DataSourceType": "mysql", "EnvType": 0, "Content": mysql_content("p")}))
        .collect();
    let (e, st) = api(alice
        .import_data_sources(ImportDataSourcesRequest::new(
            s.w.project,
            serde_json::Value::Array(many).to_string(),
        ))
        .await);
    assert!(matches!(e, ImportDataSourcesError::InvalidParameter { .. }));
    assert_eq!(st, 400);
}

async fn sharing_stays_inside_the_tenant(s: &Served) {
    let alice = s.client("alice");
    let sibling = sibling_project(s, "sibling").await;
    for env in [0, 1] {
        alice
            .create_data_source(CreateDataSourceRequest::new(
                s.w.project,
                "shared-ds",
                ConnectionType::Mysql,
                mysql_content("pw"),
                env,
            ))
            .await
            .unwrap();
    }
    let ids: Vec<i64> = alice
        .list_data_sources(ListDataSourcesRequest::new(s.w.project).name("shared-ds"))
        .await
        .unwrap()
        .data
        .data_sources
        .iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(ids.len(), 2);
    let dave = s.w.developer.user_id;
    let bob = s.w.admin.user_id;
    let share = |projects: String, users: String| {
        SetDataSourceShareRequest::new(s.w.project, "shared-ds")
            .project_permissions(projects)
            .user_permissions(users)
    };

    // Another tenant's project, a missing project, the project itself, or a user who is not a
    // member of the named project: refused, nothing changes.
    for (projects, users, why) in [
        (
            format!(
                r#"[{{"projectId":{},"permission":"READ"}}]"#,
                s.w.other_project
            ),
            "[]".to_owned(),
            "other tenant",
        ),
        (
            r#"[{"projectId":999999,"permission":"READ"}]"#.to_owned(),
            "[]".to_owned(),
            "missing",
        ),
        (
            format!(r#"[{{"projectId":{},"permission":"READ"}}]"#, s.w.project),
            "[]".to_owned(),
            "itself",
        ),
        (
            "[]".to_owned(),
            format!(
                r#"[{{"projectId":{sibling},"users":[{{"userId":"{bob}","permission":"WRITE"}}]}}]"#
            ),
            "bob is no member of sibling",
        ),
        (
            "[]".to_owned(),
            format!(
                r#"[{{"projectId":{sibling},"users":[{{"userId":"{}","permission":"READ"}}]}}]"#,
                s.w.b_owner.user_id
            ),
            "tenant B's user",
        ),
    ] {
        let answer = alice
            .set_data_source_share(share(projects, users))
            .await
            .unwrap();
        assert!(answer.success, "{why}");
        assert_eq!(answer.data.status, "fail", "{why}");
        assert!(!answer.data.message.is_empty(), "{why}");
        for id in &ids {
            assert!(
                s.h.store.list_shares(*id).await.unwrap().is_empty(),
                "{why}"
            );
        }
    }
    // The same words for another tenant's project as for a missing one.
    let other = alice
        .set_data_source_share(share(
            format!(
                r#"[{{"projectId":{},"permission":"READ"}}]"#,
                s.w.other_project
            ),
            String::new(),
        ))
        .await
        .unwrap();
    assert_eq!(
        other
            .data
            .message
            .replace(&s.w.other_project.to_string(), "N"),
        "project N is not another project of this tenant"
    );

    // With the sibling project (WRITE) and dave in it (READ), in both environments.
    let answer = alice
        .set_data_source_share(share(
            format!(r#"[{{"projectId":{sibling},"permission":"write"}}]"#),
            format!(r#"[{{"projectId":{sibling},"users":[{{"userId":"{dave}","permission":"READ"}}],"sharedName":"x.shared"}}]"#),
        ))
        .await
        .unwrap();
    assert_eq!(
        (answer.data.status.as_str(), answer.data.message.as_str()),
        ("success", "")
    );
    for id in &ids {
        let shares = s.h.store.list_shares(*id).await.unwrap();
        let got: Vec<(i64, i64, SharePermission, &str)> = shares
            .iter()
            .map(|r| {
                (
                    r.project_id,
                    r.user_id,
                    r.permission,
                    r.shared_name.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (sibling, 0, SharePermission::Write, "project-p.shared-ds"),
                (sibling, dave, SharePermission::Read, "x.shared"),
            ]
        );
        assert!(shares.iter().all(|r| r.tenant_id == s.w.tenant_a));
    }
    let listed = alice
        .list_data_sources(ListDataSourcesRequest::new(s.w.project).name("shared-ds"))
        .await
        .unwrap();
    assert!(listed.data.data_sources.iter().all(|d| d.shared));
    // TotalCount does not move with sharing.
    assert_eq!(listed.data.total_count, 2);

    // One environment only, then no lists at all: the shares go, Shared turns false.
    alice
        .set_data_source_share(
            SetDataSourceShareRequest::new(s.w.project, "shared-ds").env_type("0"),
        )
        .await
        .unwrap();
    let listed = alice
        .list_data_sources(ListDataSourcesRequest::new(s.w.project).name("shared-ds"))
        .await
        .unwrap();
    let shared: Vec<(i32, bool)> = listed
        .data
        .data_sources
        .iter()
        .map(|d| (d.env_type, d.shared))
        .collect();
    assert!(
        shared.contains(&(0, false)) && shared.contains(&(1, true)),
        "{shared:?}"
    );
}

/// The (name, shared) pairs of a ListDataSources page.
fn names_of(page: &ListDataSourcesResponse) -> Vec<(String, bool)> {
    page.data
        .data_sources
        .iter()
        .map(|d| (d.name.clone(), d.shared))
        .collect()
}

/// Issue 18, points 1 and 2: a data source shared with another project of the tenant is listed
/// there (both families, paged, TotalCount exact) under its shared name with `Shared: true`;
/// a user share reaches that user only; READ reads, WRITE also updates, neither deletes; a
/// revoked share is gone; nothing crosses tenants.
async fn shared_data_sources_in_the_receiving_project(s: &Served) {
    let alice = s.client("alice");
    let sibling = sibling_project(s, "sibling").await;
    // olga: in tenant A, not in project P; a developer of the sibling project.
    s.h.admin
        .add_member(sibling, "olga", Role::Developer)
        .await
        .unwrap();
    let olga_id = s.w.outsider.user_id;
    let create = |project: i64, name: &str, env: i32| {
        CreateDataSourceRequest::new(
            project,
            name,
            ConnectionType::Mysql,
            mysql_content("pw-src"),
            env,
        )
    };
    let s1 = alice
        .create_data_source(create(s.w.project, "s1", 0))
        .await
        .unwrap()
        .data;
    let s2 = alice
        .create_data_source(create(s.w.project, "s2", 0))
        .await
        .unwrap()
        .data;
    for name in ["own-1", "own-2", "own-3"] {
        alice
            .create_data_source(create(sibling, name, 0))
            .await
            .unwrap();
    }
    let olga = s.client("olga");
    let in_sibling = || ListDataSourcesRequest::new(sibling).page_size(100);
    assert_eq!(
        olga.list_data_sources(in_sibling())
            .await
            .unwrap()
            .data
            .total_count,
        3
    );
    // Not shared yet: olga is no member of project P.
    let (e, st) = api(olga
        .update_data_source(UpdateDataSourceRequest::new(s1).description("by olga"))
        .await);
    assert!(
        matches!(e, UpdateDataSourceError::InvalidTenantUserNotInProject),
        "{e:?}"
    );
    assert_eq!(st, 400);

    // s1 with the whole sibling project (READ, default shared name); s2 with olga alone in
    // it (WRITE, named).
    let share = |name: &str, projects: String, users: String| {
        SetDataSourceShareRequest::new(s.w.project, name)
            .env_type("0")
            .project_permissions(projects)
            .user_permissions(users)
    };
    for (name, projects, users) in [
        (
            "s1",
            format!(r#"[{{"projectId":{sibling},"permission":"READ"}}]"#),
            "[]".to_owned(),
        ),
        (
            "s2",
            "[]".to_owned(),
            format!(
                r#"[{{"projectId":{sibling},"users":[{{"userId":"{olga_id}","permission":"WRITE"}}],"sharedName":"p.s2-for-olga"}}]"#
            ),
        ),
    ] {
        let answer = alice
            .set_data_source_share(share(name, projects, users))
            .await
            .unwrap();
        assert_eq!(answer.data.status, "success", "{}", answer.data.message);
    }

    for (signature, format) in MODES {
        let mode = format!("{signature:?}/{format:?}");
        let olga = s.client_in("olga", signature, format);
        let page = olga.list_data_sources(in_sibling()).await.unwrap();
        assert_eq!(page.data.total_count, 5, "{mode}");
        assert_eq!(
            names_of(&page),
            [
                ("own-3".to_owned(), false),
                ("own-2".to_owned(), false),
                ("own-1".to_owned(), false),
                ("p.s2-for-olga".to_owned(), true),
                ("project-p.s1".to_owned(), true),
            ],
            "{mode}"
        );
        let shared: Vec<(i64, i64)> = page
            .data
            .data_sources
            .iter()
            .filter(|d| d.shared)
            .map(|d| (d.id, d.project_id))
            .collect();
        // The same ids as at the source, which still owns them.
        assert_eq!(shared, [(s2, s.w.project), (s1, s.w.project)], "{mode}");
        for d in page.data.data_sources.iter().filter(|d| d.shared) {
            assert!(d.content.contains(MASK) && !d.content.contains("pw-src"));
        }
        // Pages of 2: every row once, TotalCount on each page.
        let mut seen = Vec::new();
        for number in 1..=3 {
            let page = olga
                .list_data_sources(in_sibling().page_size(2).page_number(number))
                .await
                .unwrap();
            assert_eq!(page.data.total_count, 5, "{mode} page {number}");
            assert_eq!(
                page.data.data_sources.len(),
                if number < 3 { 2 } else { 1 },
                "{mode} page {number}"
            );
            seen.extend(page.data.data_sources.iter().map(|d| d.name.clone()));
        }
        assert_eq!(
            seen,
            ["own-3", "own-2", "own-1", "p.s2-for-olga", "project-p.s1"],
            "{mode}"
        );
        let past = olga
            .list_data_sources(in_sibling().page_size(2).page_number(4))
            .await
            .unwrap();
        assert_eq!(
            (past.data.total_count, past.data.data_sources.len()),
            (5, 0)
        );
        // Filters apply to shared rows too; Name matches the shared name.
        let by_name = olga
            .list_data_sources(in_sibling().name("project-p."))
            .await
            .unwrap();
        assert_eq!(
            names_of(&by_name),
            [("project-p.s1".to_owned(), true)],
            "{mode}"
        );
        assert_eq!(by_name.data.total_count, 1);
        let prod = olga
            .list_data_sources(in_sibling().env_type(1))
            .await
            .unwrap();
        assert_eq!(prod.data.total_count, 0, "{mode}");
        // The Connection family lists the same rows.
        let conns = olga
            .list_connections(ListConnectionsRequest::new(sibling).page_size(100))
            .await
            .unwrap();
        assert_eq!(conns.data.total_count, 5, "{mode}");
        assert_eq!(
            conns
                .data
                .connections
                .iter()
                .filter(|c| c.shared)
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["p.s2-for-olga", "project-p.s1"]
        );
        // An export is the project's own data sources only.
        let export = olga
            .export_data_sources(ExportDataSourcesRequest::new(sibling).page_size(100))
            .await
            .unwrap();
        assert_eq!(export.data.total_count, 3, "{mode}");
        assert!(export.data.data_sources.iter().all(|d| !d.shared));
    }
    // A user share reaches that user only: alice (owner of the sibling) sees s1, not s2.
    let mine = alice.list_data_sources(in_sibling()).await.unwrap();
    assert_eq!(mine.data.total_count, 4);
    assert!(!names_of(&mine).iter().any(|(n, _)| n == "p.s2-for-olga"));
    // The source project lists its own two, not as extra rows.
    assert_eq!(
        alice
            .list_data_sources(ListDataSourcesRequest::new(s.w.project))
            .await
            .unwrap()
            .data
            .total_count,
        2
    );

    // READ: no update, no delete (403), in JSON and XML.
    for format in [Format::Json, Format::Xml] {
        let olga = s.client("olga").with_format(format);
        let (e, st) = api(olga
            .update_data_source(UpdateDataSourceRequest::new(s1).description("by olga"))
            .await);
        assert!(
            matches!(
                e,
                UpdateDataSourceError::InvalidTenantUserIsNotProjectOwnerOrAdmin
            ),
            "{format:?} {e:?}"
        );
        assert_eq!(st, 403);
        let (e, st) = api(olga
            .update_connection(UpdateConnectionRequest::new(s1, mysql_content(MASK), 0))
            .await);
        assert!(
            matches!(
                e,
                UpdateConnectionError::InvalidTenantUserIsNotProjectOwnerOrAdmin
            ),
            "{format:?} {e:?}"
        );
        assert_eq!(st, 403);
        let (e, st) = api(olga
            .delete_data_source(DeleteDataSourceRequest::new(s1))
            .await);
        assert!(matches!(
            e,
            DeleteDataSourceError::InvalidTenantUserIsNotProjectOwnerOrAdmin
        ));
        assert_eq!(st, 403);
    }
    // WRITE: updates in place (both families; masked secrets kept), never deletes.
    olga.update_data_source(UpdateDataSourceRequest::new(s2).description("by olga"))
        .await
        .unwrap();
    olga.update_connection(
        UpdateConnectionRequest::new(s2, mysql_content(MASK), 0).description("by olga, again"),
    )
    .await
    .unwrap();
    let at_source = alice
        .list_data_sources(ListDataSourcesRequest::new(s.w.project).name("s2"))
        .await
        .unwrap();
    let d = &at_source.data.data_sources[0];
    assert_eq!(
        (d.description.as_str(), d.operator.as_str()),
        ("by olga, again", "olga")
    );
    assert_eq!(stored_password(s, s2).await.as_deref(), Some("pw-src"));
    for format in [Format::Json, Format::Xml] {
        let olga = s.client("olga").with_format(format);
        let (e, st) = api(olga
            .delete_data_source(DeleteDataSourceRequest::new(s2))
            .await);
        assert!(
            matches!(
                e,
                DeleteDataSourceError::InvalidTenantUserIsNotProjectOwnerOrAdmin
            ),
            "{format:?} {e:?}"
        );
        assert_eq!(st, 403);
        let (e, _) = api(olga
            .delete_connection(DeleteConnectionRequest::new(s2))
            .await);
        assert!(matches!(
            e,
            DeleteConnectionError::InvalidTenantUserIsNotProjectOwnerOrAdmin
        ));
    }
    // A WRITE share with the whole project lets every member of it update.
    alice
        .set_data_source_share(share(
            "s1",
            format!(r#"[{{"projectId":{sibling},"permission":"WRITE"}}]"#),
            String::new(),
        ))
        .await
        .unwrap();
    olga.update_data_source(UpdateDataSourceRequest::new(s1).description("now writable"))
        .await
        .unwrap();

    // Revoked (the lists replaced by empty ones): gone from the sibling, no rights left.
    alice
        .set_data_source_share(share("s1", "[]".to_owned(), "[]".to_owned()))
        .await
        .unwrap();
    let page = olga.list_data_sources(in_sibling()).await.unwrap();
    assert_eq!(page.data.total_count, 4);
    assert!(!names_of(&page).iter().any(|(n, _)| n == "project-p.s1"));
    let (e, st) = api(olga
        .update_data_source(UpdateDataSourceRequest::new(s1).description("late"))
        .await);
    assert!(matches!(
        e,
        UpdateDataSourceError::InvalidTenantUserNotInProject
    ));
    assert_eq!(st, 400);
    // Leaving the receiving project ends a user's share too.
    s.h.admin.remove_member(sibling, "olga").await.unwrap();
    let (e, _) = api(olga
        .update_data_source(UpdateDataSourceRequest::new(s2).description("gone"))
        .await);
    assert!(matches!(
        e,
        UpdateDataSourceError::InvalidTenantUserNotInProject
    ));

    // Never across tenants: tenant B's project cannot receive it, and tenant B's owner sees
    // nothing of it.
    let answer = alice
        .set_data_source_share(share(
            "s2",
            format!(
                r#"[{{"projectId":{},"permission":"WRITE"}}]"#,
                s.w.other_project
            ),
            String::new(),
        ))
        .await
        .unwrap();
    assert_eq!(answer.data.status, "fail");
    let boris = s.client("boris");
    let theirs = boris
        .list_data_sources(ListDataSourcesRequest::new(s.w.other_project))
        .await
        .unwrap();
    assert_eq!(theirs.data.total_count, 0);
    let (e, _) = api(boris
        .update_data_source(UpdateDataSourceRequest::new(s2).description("b"))
        .await);
    assert!(matches!(
        e,
        UpdateDataSourceError::InvalidTenantConnectionNotExists
    ));
    // The share with olga stays in the store (only her membership went), inside tenant A.
    let shares = s.h.store.list_shares(s2).await.unwrap();
    assert!(shares.iter().all(|r| r.tenant_id == s.w.tenant_a));
}

served_on_both_backends!(
    data_source_family_in_every_mode,
    both_families_share_one_store,
    every_documented_error_code,
    import_reports_each_entry,
    sharing_stays_inside_the_tenant,
    shared_data_sources_in_the_receiving_project,
);
