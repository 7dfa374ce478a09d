//! The RPC glue: `router` hands the API trait to the runtime's RPC router (`acs-server`'s
//! `rpc::router`, which reads the request, resolves `Action`/`Version` and authenticates first)
//! through an `RpcService` impl whose `call` matches on the operation (no boxing, no lookup
//! table): decode the parameters, call the trait, encode the answer or the typed error.

use super::common::operation_variant;
use crate::emit::ident;
use crate::model::{Api, Style};
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit(api: &Api, types_path: &TokenStream, rt: &TokenStream) -> TokenStream {
    let trait_ident = ident(&super::trait_name(api));
    let version = api.version.as_str();
    let declares = |name: &str| {
        api.operations
            .iter()
            .any(|op| op.common_parameters.iter().any(|p| p.wire_name == name))
    };
    let format_parameter = declares("Format");
    let region_parameter = declares("RegionId");
    let arms = api.operations.iter().filter_map(|op| {
        let Style::Rpc { action, .. } = &op.style else {
            return None;
        };
        let variant = operation_variant(op);
        let method = ident(&op.method_name);
        let request = ident(&op.request);
        let error = ident(&op.error_type);
        let (body, success) = if op.response.ty.is_some() {
            (quote!(body), quote!(#rt rpc::answer(&ctx, #action, &body)))
        } else {
            (quote!(()), quote!(#rt rpc::empty_answer(&ctx, #action)))
        };
        Some(quote! {
            Operation::#variant => {
                let request = #types_path #request::from_params(get).map_err(#rt rpc::param_error)?;
                match #rt guard(ctx.operation, &ctx.request_id, self.0.#method(&ctx, request)).await? {
                    ::std::result::Result::Ok(#body) => ::std::result::Result::Ok(#success),
                    ::std::result::Result::Err(e) => ::std::result::Result::Err(#rt business_error(
                        ctx.operation, &ctx.request_id, e.http_status(), e.code(), e.message(),
                        ::std::matches!(e, #types_path #error::Unlisted { .. }),
                    )),
                }
            }
        })
    });

    // Routes other than `/` (AWS Query: `/{AccountNumber}/{QueueName}/#Action=X`): the router
    // serves each, and an operation only at its own.
    let mut routes: Vec<&str> = Vec::new();
    for op in &api.operations {
        if let Style::Rpc { routes: own, .. } = &op.style {
            for r in own {
                if !routes.contains(&r.as_str()) {
                    routes.push(r);
                }
            }
        }
    }
    let route_items = if routes == ["/"] {
        quote!()
    } else {
        let serves = api.operations.iter().filter_map(|op| {
            let Style::Rpc { routes: own, .. } = &op.style else {
                return None;
            };
            let variant = operation_variant(op);
            Some(quote!(Operation::#variant => ::std::matches!(route, #(#own)|*),))
        });
        quote! {
            const ROUTES: &'static [&'static str] = &[#(#routes),*];

            fn serves(operation: Operation, route: &str) -> bool {
                match operation {
                    #(#serves)*
                }
            }
        }
    };

    quote! {
        /// The router: `/` for GET, POST and PUT (everything else 405 with `Allow`), any other path
        /// 404, every answer in the API's envelope. Add tower layers to the result as usual.
        pub fn router<T, L, N>(api: ::std::sync::Arc<T>, config: ServerConfig<L, N>) -> #rt Router
        where
            T: #trait_ident,
            L: #rt CredentialLookup + 'static,
            N: #rt NonceStore + 'static,
        {
            #rt rpc::router(Service(api), config)
        }

        struct Service<T>(::std::sync::Arc<T>);

        impl<T: #trait_ident> #rt rpc::RpcService for Service<T> {
            type Operation = Operation;

            const SPEC: #rt rpc::RpcSpec = #rt rpc::RpcSpec {
                version: #version,
                errors: ERRORS,
                format_parameter: #format_parameter,
                region_parameter: #region_parameter,
            };

            #route_items

            fn operation(action: &str) -> ::std::option::Option<Operation> {
                Operation::from_action(action)
            }

            async fn call(
                &self,
                ctx: RequestContext,
                params: &#rt Params,
            ) -> ::std::result::Result<#rt HttpAnswer, #rt AcsError> {
                let get = |name: &str| params.get(name);
                match ctx.operation {
                    #(#arms)*
                }
            }
        }
    }
}
