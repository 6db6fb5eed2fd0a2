//! Length-bounded containers whose decoders check the length prefix before reading.

use std::io;
use std::ops::Deref;

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Error raised when a length prefix exceeds a bound. Carried inside a borsh `io::Error` and
/// recognised by [`crate::codec::decode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("length {got} exceeds the limit of {max}")]
pub struct LengthExceeded {
    /// The bound.
    pub max: usize,
    /// The length found.
    pub got: usize,
}

fn read_len<R: io::Read>(r: &mut R, max: usize) -> io::Result<usize> {
    let len = u32::deserialize_reader(r)? as usize;
    if len > max {
        return Err(io::Error::new(io::ErrorKind::InvalidData, LengthExceeded { max, got: len }));
    }
    Ok(len)
}

/// Bytes of at most `N`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BoundedBytes<const N: usize>(Vec<u8>);

/// A UTF-8 string of at most `N` bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BoundedString<const N: usize>(String);

/// A vector of at most `N` items.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BoundedVec<T, const N: usize>(Vec<T>);

impl<T, const N: usize> Default for BoundedVec<T, N> {
    fn default() -> Self {
        BoundedVec(Vec::new())
    }
}

impl<const N: usize> BoundedBytes<N> {
    /// Wraps `v`, or returns the error if it is too long.
    pub fn new(v: Vec<u8>) -> Result<Self, LengthExceeded> {
        if v.len() > N {
            return Err(LengthExceeded { max: N, got: v.len() });
        }
        Ok(BoundedBytes(v))
    }
    /// The inner bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl<const N: usize> BoundedString<N> {
    /// Wraps `s`, or returns the error if it is too long.
    pub fn new(s: impl Into<String>) -> Result<Self, LengthExceeded> {
        let s = s.into();
        if s.len() > N {
            return Err(LengthExceeded { max: N, got: s.len() });
        }
        Ok(BoundedString(s))
    }
    /// The string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The inner string.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl<T, const N: usize> BoundedVec<T, N> {
    /// Wraps `v`, or returns the error if it has too many items.
    pub fn new(v: Vec<T>) -> Result<Self, LengthExceeded> {
        if v.len() > N {
            return Err(LengthExceeded { max: N, got: v.len() });
        }
        Ok(BoundedVec(v))
    }
    /// The inner vector.
    pub fn into_inner(self) -> Vec<T> {
        self.0
    }
}

impl<const N: usize> Deref for BoundedBytes<N> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl<const N: usize> Deref for BoundedString<N> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<T, const N: usize> Deref for BoundedVec<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<const N: usize> std::fmt::Display for BoundedString<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const N: usize> BorshSerialize for BoundedBytes<N> {
    fn serialize<W: io::Write>(&self, w: &mut W) -> io::Result<()> {
        BorshSerialize::serialize(&self.0, w)
    }
}
impl<const N: usize> BorshDeserialize for BoundedBytes<N> {
    fn deserialize_reader<R: io::Read>(r: &mut R) -> io::Result<Self> {
        let len = read_len(r, N)?;
        let mut v = vec![0u8; len];
        r.read_exact(&mut v)?;
        Ok(BoundedBytes(v))
    }
}

impl<const N: usize> BorshSerialize for BoundedString<N> {
    fn serialize<W: io::Write>(&self, w: &mut W) -> io::Result<()> {
        BorshSerialize::serialize(&self.0, w)
    }
}
impl<const N: usize> BorshDeserialize for BoundedString<N> {
    fn deserialize_reader<R: io::Read>(r: &mut R) -> io::Result<Self> {
        let len = read_len(r, N)?;
        let mut v = vec![0u8; len];
        r.read_exact(&mut v)?;
        String::from_utf8(v).map(BoundedString).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "invalid UTF-8"))
    }
}

impl<T: BorshSerialize, const N: usize> BorshSerialize for BoundedVec<T, N> {
    fn serialize<W: io::Write>(&self, w: &mut W) -> io::Result<()> {
        BorshSerialize::serialize(&self.0, w)
    }
}
impl<T: BorshDeserialize, const N: usize> BorshDeserialize for BoundedVec<T, N> {
    fn deserialize_reader<R: io::Read>(r: &mut R) -> io::Result<Self> {
        let len = read_len(r, N)?;
        let mut v = Vec::with_capacity(len.min(1024));
        for _ in 0..len {
            v.push(T::deserialize_reader(r)?);
        }
        Ok(BoundedVec(v))
    }
}

impl<const N: usize> Serialize for BoundedBytes<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(&self.0))
    }
}
impl<'de, const N: usize> Deserialize<'de> for BoundedBytes<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as Deserialize>::deserialize(d)?;
        let v = hex::decode(s).map_err(serde::de::Error::custom)?;
        BoundedBytes::new(v).map_err(serde::de::Error::custom)
    }
}
impl<const N: usize> Serialize for BoundedString<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}
impl<'de, const N: usize> Deserialize<'de> for BoundedString<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BoundedString::new(<String as Deserialize>::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}
impl<T: Serialize, const N: usize> Serialize for BoundedVec<T, N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Serialize::serialize(&self.0, s)
    }
}
impl<'de, T: Deserialize<'de>, const N: usize> Deserialize<'de> for BoundedVec<T, N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BoundedVec::new(<Vec<T> as Deserialize>::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}
