"""Distribution without I/O: what a cross-post, a newsletter or its recipients list look like.

Plain objects in and out, unit-tested without a database or a network; the services
do the calls and the storing.
"""
