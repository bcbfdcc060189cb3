"""Reports over stored records: the ratings report and its chart."""
