# The Celery app is imported when Django loads the apps (ShadowVaultConfig.ready), not here:
# importing this package (and so the settings) must leave os.environ alone, and the Celery
# module is an entry point that prepares the environment for `celery -A shadowvault`.
