# docs: the guide, the language and JSON references, the mathematics, the
# developer rulebook, and the man page (installed as pathdiff(1)).
dist_man_MANS += docs/pathdiff.1
# The whole directory: every .md here ships in the tarball.
EXTRA_DIST += docs
