// placeholder: replaced by the store
