//! A serializer adapter that puts `RequestId` first in a success body and drops any `RequestId`
//! the body type carries itself, so the answer's id always equals the `x-acs-request-id` header
//! whether or not the (generated) response type has a `RequestId` field.

use serde::ser::{Error as _, Impossible, Serialize, SerializeMap, SerializeStruct, Serializer};

const FIELD: &str = "RequestId";

/// `body` serialized with `RequestId = request_id` as its first field.
pub(crate) struct WithRequestId<'a, T: ?Sized> {
    pub request_id: &'a str,
    pub body: &'a T,
}

impl<T: Serialize + ?Sized> Serialize for WithRequestId<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.body.serialize(Inject {
            inner: serializer,
            request_id: self.request_id,
        })
    }
}

struct Inject<'a, S> {
    inner: S,
    request_id: &'a str,
}

impl<S: Serializer> Inject<'_, S> {
    fn only_request_id(self) -> Result<S::Ok, S::Error> {
        let mut st = self.inner.serialize_struct("Response", 1)?;
        st.serialize_field(FIELD, self.request_id)?;
        st.end()
    }
}

macro_rules! refuse {
    ($($method:ident($($arg:ty),*);)*) => {
        $(fn $method(self $(, _: $arg)*) -> Result<Self::Ok, Self::Error> {
            Err(S::Error::custom("an answer body must be a struct or a map"))
        })*
    };
}

impl<'a, S: Serializer> Serializer for Inject<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = InjectMap<S::SerializeMap>;
    type SerializeStruct = InjectStruct<S::SerializeStruct>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    refuse! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.only_request_id()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.only_request_id()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<S::Ok, S::Error> {
        self.only_request_id()
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom("an answer body must be a struct or a map"))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Err(S::Error::custom("an answer body must be a struct or a map"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, S::Error> {
        Err(S::Error::custom("an answer body must be a struct or a map"))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        Err(S::Error::custom("an answer body must be a struct or a map"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        Err(S::Error::custom("an answer body must be a struct or a map"))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        let mut map = self.inner.serialize_map(len.map(|l| l + 1))?;
        map.serialize_entry(FIELD, self.request_id)?;
        Ok(InjectMap {
            inner: map,
            skipping_value: false,
        })
    }

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        let mut st = self.inner.serialize_struct(name, len + 1)?;
        st.serialize_field(FIELD, self.request_id)?;
        Ok(InjectStruct { inner: st })
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Err(S::Error::custom("an answer body must be a struct or a map"))
    }
}

pub(crate) struct InjectStruct<St> {
    inner: St,
}

impl<St: SerializeStruct> SerializeStruct for InjectStruct<St> {
    type Ok = St::Ok;
    type Error = St::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), St::Error> {
        if key == FIELD {
            return Ok(());
        }
        self.inner.serialize_field(key, value)
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), St::Error> {
        self.inner.skip_field(key)
    }

    fn end(self) -> Result<St::Ok, St::Error> {
        self.inner.end()
    }
}

pub(crate) struct InjectMap<M> {
    inner: M,
    skipping_value: bool,
}

impl<M: SerializeMap> SerializeMap for InjectMap<M> {
    type Ok = M::Ok;
    type Error = M::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), M::Error> {
        let is_request_id = matches!(
            serde_json::to_value(key),
            Ok(serde_json::Value::String(s)) if s == FIELD
        );
        if is_request_id {
            self.skipping_value = true;
            return Ok(());
        }
        self.inner.serialize_key(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), M::Error> {
        if std::mem::take(&mut self.skipping_value) {
            return Ok(());
        }
        self.inner.serialize_value(value)
    }

    fn end(self) -> Result<M::Ok, M::Error> {
        self.inner.end()
    }
}
