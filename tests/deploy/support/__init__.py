"""Offline validators for deploy/: kustomize rendering, schemas, Dockerfile and policy checks."""
