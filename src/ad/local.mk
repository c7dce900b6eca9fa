# src/ad: framework conventions and numeric AD.
pkginclude_HEADERS += include/pathdiff/ad.h
