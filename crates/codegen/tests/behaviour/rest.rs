//! The REST fixture's generated code, exercised: discriminated unions, allOf, defaults, maps,
//! recursion, keyword fields, error enums from `default` responses.

use crate::rest::*;
use serde_json::json;

#[test]
fn discriminator_picks_the_variant_by_tag_and_writes_the_tag_once() {
    let cat = json!({"petType": "cat", "id": 1, "name": "Tom", "indoor": false, "lives": 3});
    let pet: Pet = serde_json::from_value(cat.clone()).unwrap();
    let Pet::Cat(c) = &pet else {
        panic!("decoded {pet:?}")
    };
    assert_eq!(
        (c.id, c.name.as_str(), c.indoor, c.lives.get()),
        (1, "Tom", false, 3)
    );
    let back = serde_json::to_string(&pet).unwrap();
    assert_eq!(back.matches("petType").count(), 1, "{back}");
    assert_eq!(serde_json::to_value(&pet).unwrap(), cat);

    // A dog without dog-only optional fields still decodes as a dog: the tag decides, not trial.
    let dog = json!({"petType": "dog", "id": 2, "name": "Rex", "size": 3, "type": "hound"});
    let Pet::Dog(d) = serde_json::from_value::<Pet>(dog.clone()).unwrap() else {
        panic!("not a dog")
    };
    assert_eq!((d.size, d.r#type.as_deref()), (Size::Large, Some("hound")));
    assert_eq!(serde_json::to_value(Pet::Dog(d)).unwrap(), dog);

    // Cat fields on a dog tag are a dog missing its `size`: an error, never a cat.
    assert!(serde_json::from_value::<Pet>(
        json!({"petType": "dog", "id": 3, "name": "Tom", "indoor": true})
    )
    .is_err());
    assert!(
        serde_json::from_value::<Pet>(json!({"petType": "bird", "id": 4, "name": "Tweety"}))
            .is_err()
    );
}

#[test]
fn all_of_merges_properties_and_applies_defaults() {
    let Pet::Cat(c) =
        serde_json::from_value::<Pet>(json!({"petType": "cat", "id": 1, "name": "Tom"})).unwrap()
    else {
        panic!("not a cat")
    };
    assert!(c.indoor);
    assert_eq!(c.lives.get(), 9);
    assert_eq!(c.tag, None);
}

#[test]
fn constraints_from_all_of_members_hold() {
    let err =
        serde_json::from_value::<Pet>(json!({"petType": "cat", "id": 1, "name": ""})).unwrap_err();
    assert!(
        err.to_string()
            .contains("name must be at least 1 character long, got 0"),
        "{err}"
    );
    let err =
        serde_json::from_value::<Pet>(json!({"petType": "cat", "id": 1, "name": "x", "lives": 10}))
            .unwrap_err();
    assert!(
        err.to_string().contains("lives must be at most 9, got 10"),
        "{err}"
    );
    assert_eq!(
        Tag::try_from("9lives").unwrap_err().reason,
        "must match the pattern ^[a-z][a-z0-9-]{0,15}$"
    );
    assert!(Limit::try_from(100).is_ok());
}

#[test]
fn requests_build_with_required_arguments_and_setters() {
    let form = NewPetForm {
        name: Name::try_from("Tom").unwrap(),
        pet_type: PetType::Cat,
        tags: Some(vec!["a".into()]),
    };
    let request = CreatePetRequest::new(form.clone());
    assert_eq!(request.body, form);
    let list = ListPetsRequest::new().limit(5).tag("pets");
    assert_eq!(list.limit, Some(5));
    assert_eq!(list.validate(), Ok(()));
    assert_eq!(
        ListPetsRequest::new().limit(Limit::try_from(5).unwrap()),
        ListPetsRequest::new().limit(5)
    );
    assert_eq!(ShowPetByIdRequest::new(42).pet_id, 42);
    // The form's `petType` default applies when decoding.
    let decoded: NewPetForm = serde_json::from_value(json!({"name": "Tom"})).unwrap();
    assert_eq!(decoded.pet_type, PetType::Cat);
}

#[test]
fn maps_and_recursive_types_round_trip() {
    let error = json!({"code": 5, "message": "boom", "details": {"a": "b"}});
    let decoded: Error = serde_json::from_value(error.clone()).unwrap();
    assert_eq!(
        decoded
            .details
            .as_ref()
            .and_then(|d| d.get("a"))
            .map(String::as_str),
        Some("b")
    );
    assert_eq!(serde_json::to_value(&decoded).unwrap(), error);
    let tree = json!({"value": "root", "left": {"value": "l"}, "children": [{"value": "c", "children": []}]});
    let decoded: Tree = serde_json::from_value(tree.clone()).unwrap();
    assert_eq!(
        decoded.left.as_ref().and_then(|l| l.value.as_deref()),
        Some("l")
    );
    assert_eq!(serde_json::to_value(&decoded).unwrap(), tree);
}

#[test]
fn rest_errors_come_from_non_2xx_and_default_responses() {
    let not_found = CreatePetError::NotFound(Error {
        code: 404,
        message: "no owner".into(),
        details: None,
    });
    assert_eq!(
        (
            not_found.http_status(),
            not_found.code(),
            not_found.message()
        ),
        (404, "NotFound", "Owner not found")
    );
    let other = ListPetsError::Default {
        http_status: 503,
        body: Error::default(),
    };
    assert_eq!((other.http_status(), other.code()), (503, "Default"));
    assert_eq!(
        ListPetsError::from_code(500, "X", "y"),
        ListPetsError::Unlisted {
            http_status: 500,
            code: "X".into(),
            message: "y".into()
        }
    );
    assert!(ListPetsError::CODES.is_empty());
    assert_eq!(CreatePetError::CODES.len(), 1);
}
