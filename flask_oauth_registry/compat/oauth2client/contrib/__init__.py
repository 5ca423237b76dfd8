"""oauth2client's ``contrib`` package: the storages and the Flask helper.

Provided: ``dictionary_storage``, ``keyring_storage``, ``multiprocess_file_storage``,
``multistore_file`` and ``locked_file`` (removed in oauth2client 4.0, still imported by
3.x code), and ``flask_util``.  Not provided: the App Engine, Compute Engine, Django,
Cloud Shell (``devshell``), SQLAlchemy (it pickled credentials) and ``xsrfutil`` modules.
"""
