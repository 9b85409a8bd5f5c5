"""The officer's counter app (`mpp-counter`)."""
