"""The demo catalogue: generated in exactly the Flipkart format (CSV + Images/)."""
