// placeholder: replaced by the investigation module
