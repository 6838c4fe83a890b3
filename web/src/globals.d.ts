/** Path of the amazon-connect-streams script the build copies next to the pages (web/build.ts). */
declare const ACW_STREAMS_SCRIPT: string;
