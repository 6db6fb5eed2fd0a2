//! Typed calls: an argument struct that knows the module and method it calls.

use borsh::{BorshDeserialize, BorshSerialize};

use crate::Call;
use crate::bounded::LengthExceeded;

/// The arguments of one module method. `MODULE` and `METHOD` are the names carried in
/// [`Call`]; the borsh encoding of `Self` is the call's `args`. Builders and the CLI take the
/// struct, so a call's names are spelled once, next to its arguments.
pub trait Method: BorshSerialize + BorshDeserialize {
    /// Module name, e.g. `records`.
    const MODULE: &'static str;
    /// Method name, e.g. `publish`.
    const METHOD: &'static str;

    /// The call `MODULE.METHOD(self)`.
    fn to_call(&self) -> Result<Call, LengthExceeded> {
        let args = borsh::to_vec(self).map_err(|_| LengthExceeded { max: 0, got: 0 })?;
        Call::new(Self::MODULE, Self::METHOD, args)
    }
}

/// Declares [`Method`] for argument structs: `methods! { "records": Publish => "publish", … }`.
#[macro_export]
macro_rules! methods {
    ($module:expr; $($ty:ty => $method:expr),* $(,)?) => {$(
        impl $crate::Method for $ty {
            const MODULE: &'static str = $module;
            const METHOD: &'static str = $method;
        }
    )*};
}
