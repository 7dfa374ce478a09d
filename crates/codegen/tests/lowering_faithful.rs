//! Lowering is faithful or refuses, on small specs, one construct each (issue 14, point 2).

use codegen::model::{Api, Field, Scalar, TypeKind, TypeRef};

fn spec(schemas: &str) -> openapiv3::OpenAPI {
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
    );
    codegen::read::read_spec(&text)
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
        .spec
}

fn lower(schemas: &str) -> Api {
    codegen::lower(&spec(schemas), "t.yaml").unwrap_or_else(|e| panic!("{e}"))
}

fn kind<'a>(api: &'a Api, name: &str) -> &'a TypeKind {
    &api.type_def(name)
        .unwrap_or_else(|| panic!("no type {name}: {:?}", names(api)))
        .kind
}

fn names(api: &Api) -> Vec<&str> {
    api.types.iter().map(|t| t.name.as_str()).collect()
}

fn field<'a>(api: &'a Api, owner: &str, wire: &str) -> &'a Field {
    let TypeKind::Struct(s) = kind(api, owner) else {
        panic!("{owner} is not a struct")
    };
    s.fields
        .iter()
        .find(|f| f.wire_name == wire)
        .unwrap_or_else(|| panic!("{owner} has no field {wire}"))
}

#[test]
fn all_of_of_a_scalar_ref_is_that_type_with_the_wrapper_description() {
    let api = lower(
        "    arnType: {type: string, minLength: 20}
    Role:
      type: object
      properties:
        Arn:
          allOf:
            - $ref: '#/components/schemas/arnType'
            - description: The role's ARN.
",
    );
    let arn = field(&api, "Role", "Arn");
    assert_eq!(arn.ty, TypeRef::Named("ArnType".into()));
    assert_eq!(arn.docs.description.as_deref(), Some("The role's ARN."));
    assert!(
        !api.types.iter().any(|t| t.name == "Arn"),
        "no struct for the wrapper"
    );
}

#[test]
fn all_of_of_scalars_merges_constraints_tighter_bound_wins() {
    let api = lower(
        "    Small: {type: integer, format: int32, minimum: 0, maximum: 100}
    Smaller:
      allOf:
        - $ref: '#/components/schemas/Small'
        - maximum: 10
          description: At most ten.
",
    );
    let TypeKind::Newtype(n) = kind(&api, "Smaller") else {
        panic!("{:?}", kind(&api, "Smaller"))
    };
    assert_eq!(n.inner, Scalar::I32);
    assert_eq!(
        (n.constraints.minimum, n.constraints.maximum),
        (Some(0.0), Some(10.0))
    );
    assert_eq!(
        api.type_def("Smaller").unwrap().docs.description.as_deref(),
        Some("At most ten.")
    );
}

#[test]
fn all_of_of_an_array_ref_and_of_a_map_ref_are_those_types() {
    let api = lower(
        "    Tags: {type: array, items: {type: string}}
    Attributes: {type: object, additionalProperties: {type: string}}
    Queue:
      type: object
      properties:
        tags:
          allOf: [{$ref: '#/components/schemas/Tags'}, {description: d}]
        attributes:
          allOf: [{$ref: '#/components/schemas/Attributes'}, {xml: {name: Attribute}}]
",
    );
    assert_eq!(
        field(&api, "Queue", "tags").ty,
        TypeRef::Named("Tags".into())
    );
    assert_eq!(
        field(&api, "Queue", "attributes").ty,
        TypeRef::Named("Attributes".into())
    );
}

#[test]
fn contradicting_all_of_members_are_refused_at_the_all_of() {
    let err = codegen::lower(
        &spec("    Odd:\n      allOf: [{type: string}, {type: integer}]\n"),
        "t.yaml",
    )
    .unwrap_err();
    assert_eq!(err.items.len(), 1, "{err}");
    assert_eq!(err.items[0].pointer, "#/components/schemas/Odd/allOf");
    assert!(err.items[0].reason.contains("different types"), "{err}");
}

#[test]
fn one_of_beside_properties_is_a_flattened_union() {
    let api = lower(
        "    Cat: {type: object, properties: {meow: {type: boolean}}}
    Dog: {type: object, properties: {bark: {type: boolean}}}
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
",
    );
    let union = field(&api, "Pet", "oneOf");
    assert!(union.flatten);
    assert_eq!(union.ty, TypeRef::Named("PetOneOf".into()));
    assert!(matches!(kind(&api, "PetOneOf"), TypeKind::Untagged(u) if u.variants.len() == 2));
    assert!(field(&api, "Pet", "name").required);
}

#[test]
fn one_of_inside_an_all_of_member_is_flattened_and_a_discriminated_one_keeps_its_tag() {
    let api = lower(
        "    Photo: {type: object, required: [kind], properties: {kind: {type: string}, url: {type: string}}}
    Video: {type: object, required: [kind], properties: {kind: {type: string}, length: {type: integer}}}
    Media:
      discriminator: {propertyName: kind, mapping: {photo: '#/components/schemas/Photo', video: '#/components/schemas/Video'}}
      oneOf: [{$ref: '#/components/schemas/Photo'}, {$ref: '#/components/schemas/Video'}]
      properties: {kind: {type: string}}
      type: object
    Post:
      allOf:
        - type: object
          properties: {id: {type: string}}
        - oneOf: [{$ref: '#/components/schemas/Photo'}, {type: string}]
",
    );
    // Properties that are only the tag: the union itself.
    let TypeKind::Tagged(media) = kind(&api, "Media") else {
        panic!("{:?}", kind(&api, "Media"))
    };
    assert_eq!(media.tag, "kind");
    let tags: Vec<&str> = media
        .variants
        .iter()
        .map(|v| v.tag_value.as_str())
        .collect();
    assert_eq!(tags, ["photo", "video"]);
    assert!(field(&api, "Post", "oneOf").flatten);
    assert!(field(&api, "Post", "id").ty == TypeRef::Scalar(Scalar::String));
}

#[test]
fn discriminator_mapping_to_all_of_composed_objects_works_and_refusals_name_the_spec_key() {
    let api = lower(
        "    Base: {type: object, required: [type], properties: {type: {type: string}, title: {type: string}}}
    Generic:
      allOf: [{$ref: '#/components/schemas/Base'}, {type: object, properties: {status: {type: integer}}}]
    Problem:
      discriminator: {propertyName: type, mapping: {'about:blank': '#/components/schemas/Generic'}}
      oneOf: [{$ref: '#/components/schemas/Generic'}]
",
    );
    let TypeKind::Tagged(problem) = kind(&api, "Problem") else {
        panic!()
    };
    assert_eq!(problem.variants[0].tag_value, "about:blank");
    let err = codegen::lower(
        &spec(
            "    my-scalar: {type: string}
    U:
      discriminator: {propertyName: type}
      oneOf: [{$ref: '#/components/schemas/my-scalar'}]
",
        ),
        "t.yaml",
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("#/components/schemas/my-scalar"),
        "names the spec key: {text}"
    );
}

#[test]
fn recursive_types_are_boxed() {
    let api = lower(
        "    Node:
      type: object
      properties:
        next: {$ref: '#/components/schemas/Node'}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
",
    );
    assert!(field(&api, "Node", "next").boxed);
    assert!(
        !field(&api, "Node", "children").boxed,
        "a Vec already boxes"
    );
}

#[test]
fn names_that_clash_with_std_or_the_prelude_are_kept_or_suffixed() {
    let api = lower(
        "    String: {type: string, maxLength: 3}
    Result: {type: object, properties: {value: {$ref: '#/components/schemas/String'}}}
    Option: {type: object, properties: {a: {type: string}}}
    Box: {type: object, properties: {a: {type: string}}}
    Vec: {type: object, properties: {a: {type: string}}}
    From: {type: object, properties: {a: {type: string}}}
    Some: {type: string, minLength: 1}
    self: {type: object, properties: {a: {type: string}}}
",
    );
    for name in ["String", "Result", "Option", "Box", "Vec", "From"] {
        assert!(api.type_def(name).is_some(), "{name}: {:?}", names(&api));
    }
    assert!(api.type_def("Some").is_none() && api.type_def("Some2").is_some());
    assert!(api.type_def("Self").is_none() && api.type_def("Self2").is_some());
    // The generated code uses qualified paths, so it parses and formats with these names.
    let code = codegen::generate_types(
        &spec(
            "    String: {type: string, maxLength: 3}
    Result: {type: object, properties: {value: {$ref: '#/components/schemas/String'}, o: {type: string}}}
",
        ),
        "t.yaml",
    )
    .unwrap();
    assert!(
        code.contains("pub struct String(::std::string::String);"),
        "{code}"
    );
}

#[test]
fn refs_to_any_json_pointer_are_followed() {
    let api = lower(
        "    Owner:
      type: object
      properties:
        address: {type: object, properties: {city: {type: string}}}
    Shipment:
      type: object
      properties:
        to: {$ref: '#/components/schemas/Owner/properties/address'}
",
    );
    let TypeRef::Named(to) = &field(&api, "Shipment", "to").ty else {
        panic!()
    };
    assert!(matches!(kind(&api, to), TypeKind::Struct(s) if s.fields[0].wire_name == "city"));
}

#[test]
fn nullable_read_only_write_only_and_maps_beside_properties() {
    let api = lower(
        "    User:
      type: object
      required: [id, password, name]
      properties:
        id: {type: integer, readOnly: true}
        password: {type: string, writeOnly: true}
        name: {type: string, nullable: true}
      additionalProperties: {type: integer}
",
    );
    assert!(field(&api, "User", "id").is_optional());
    assert!(field(&api, "User", "password").is_optional());
    let name = field(&api, "User", "name");
    assert!(name.required && name.nullable && name.is_optional());
    let extra = field(&api, "User", "additionalProperties");
    assert!(extra.flatten);
    assert_eq!(
        extra.ty,
        TypeRef::Map(Box::new(TypeRef::Scalar(Scalar::I64)))
    );
}

#[test]
fn string_and_integer_enums_are_enums() {
    let api = lower(
        "    Color: {type: string, enum: [red, green]}
    Level: {type: integer, enum: [1, 2, 3]}
",
    );
    assert!(matches!(kind(&api, "Color"), TypeKind::Enum(e) if e.variants.len() == 2));
    assert!(matches!(kind(&api, "Level"), TypeKind::Enum(e) if e.variants.len() == 3));
}
