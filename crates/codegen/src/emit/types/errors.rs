//! One error enum per operation from its documented codes, plus `CommonError`.

use crate::emit::docs::doc_attrs;
use crate::emit::{ident, type_tokens};
use crate::model::ErrorCase;
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit(name: &str, doc: &str, cases: &[ErrorCase], from_common: bool) -> TokenStream {
    let name_ident = ident(name);
    let variants = cases.iter().map(|c| {
        let variant = ident(&c.variant);
        let status = c
            .http_status
            .map_or_else(|| "any status".to_owned(), |s| s.to_string());
        let mut lines = vec![format!("{status} `{}`: {}", c.code, c.message.trim())];
        if !c.description.is_empty() && c.description != c.message {
            lines.push(String::new());
            lines.push(c.description.trim().to_owned());
        }
        let docs = doc_attrs(&lines);
        let body = c.body.as_ref().map(|b| type_tokens(b, &quote!()));
        match (c.http_status, body, c.templated) {
            (Some(_), Some(body), _) => quote!(#docs #variant(#body),),
            (None, Some(body), _) => quote!(#docs #variant { http_status: u16, body: #body },),
            (None, None, _) => quote!(#docs #variant { http_status: u16 },),
            (Some(_), None, true) => quote!(#docs #variant { message: ::std::string::String },),
            (Some(_), None, false) => quote!(#docs #variant,),
        }
    });
    let pattern = |c: &ErrorCase| {
        let variant = ident(&c.variant);
        match (c.http_status, c.body.is_some(), c.templated) {
            (Some(_), true, _) => quote!(Self::#variant(..)),
            (None, _, _) => quote!(Self::#variant { .. }),
            (Some(_), false, true) => quote!(Self::#variant { .. }),
            (Some(_), false, false) => quote!(Self::#variant),
        }
    };
    let status_arms = cases.iter().map(|c| {
        let variant = ident(&c.variant);
        match c.http_status {
            Some(s) => {
                let p = pattern(c);
                quote!(#p => #s,)
            }
            None => quote!(Self::#variant { http_status, .. } => *http_status,),
        }
    });
    let code_arms = cases.iter().map(|c| {
        let p = pattern(c);
        let code = &c.code;
        quote!(#p => #code,)
    });
    let message_arms = cases.iter().map(|c| {
        let variant = ident(&c.variant);
        if c.templated && c.http_status.is_some() && c.body.is_none() {
            quote!(Self::#variant { message } => message,)
        } else {
            let p = pattern(c);
            let message = c.message.trim();
            quote!(#p => #message,)
        }
    });
    let from_code_arms: Vec<TokenStream> = cases.iter().filter(|c| c.http_status.is_some() && c.body.is_none()).map(|c| {
        let variant = ident(&c.variant);
        let code = &c.code;
        if c.templated {
            quote!(#code => Self::#variant { message: ::std::borrow::ToOwned::to_owned(message) },)
        } else {
            quote!(#code => Self::#variant,)
        }
    }).collect();
    let unlisted = quote! {
        Self::Unlisted {
            http_status,
            code: ::std::borrow::ToOwned::to_owned(code),
            message: ::std::borrow::ToOwned::to_owned(message),
        }
    };
    // No fixed-status code to match: the body alone (clippy refuses a match with only `_`).
    let from_code_body = if from_code_arms.is_empty() {
        unlisted
    } else {
        quote! {
            match code {
                #(#from_code_arms)*
                _ => #unlisted,
            }
        }
    };
    let code_list = cases.iter().filter_map(|c| {
        let status = c.http_status?;
        let (code, message, description) = (&c.code, c.message.trim(), c.description.trim());
        Some(quote!(ErrorCode { http_status: #status, code: #code, message: #message, description: #description }))
    });
    let from_common = from_common.then(|| {
        quote! {
            impl ::std::convert::From<CommonError> for #name_ident {
                /// Common codes are documented for every operation: same code, same variant.
                fn from(e: CommonError) -> Self {
                    Self::from_code(e.http_status(), e.code(), e.message())
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name_ident {
            #(#variants)*
            /// A code the spec does not list here (decoded as is, never invented by the server).
            Unlisted {
                http_status: u16,
                code: ::std::string::String,
                message: ::std::string::String,
            },
        }

        impl #name_ident {
            /// Every documented code with a fixed status, in spec order.
            pub const CODES: &'static [ErrorCode] = &[#(#code_list),*];

            /// The HTTP status the code is answered with.
            pub fn http_status(&self) -> u16 {
                match self {
                    #(#status_arms)*
                    Self::Unlisted { http_status, .. } => *http_status,
                }
            }

            /// The wire code (`Invalid.Tenant.ConnectionNotExists`).
            pub fn code(&self) -> &str {
                match self {
                    #(#code_arms)*
                    Self::Unlisted { code, .. } => code,
                }
            }

            /// The message: the documented one, or the filled-in text for templated codes.
            pub fn message(&self) -> &str {
                match self {
                    #(#message_arms)*
                    Self::Unlisted { message, .. } => message,
                }
            }

            /// Decodes an error answer (client side): a documented code becomes its variant, any
            /// other code `Unlisted`.
            pub fn from_code(http_status: u16, code: &str, message: &str) -> Self {
                #from_code_body
            }
        }

        impl ::std::fmt::Display for #name_ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::write!(f, "{}: {}", self.code(), self.message())
            }
        }

        impl ::std::error::Error for #name_ident {}

        #from_common
    }
}
