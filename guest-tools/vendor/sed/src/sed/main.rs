uucore::bin!(uu_sed);
