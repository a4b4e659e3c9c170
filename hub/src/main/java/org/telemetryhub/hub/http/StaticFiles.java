package org.telemetryhub.hub.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The dashboard's files and the webjars it uses, read once from the classpath into memory and served from there.
 * Serving them from the jar instead would keep the whole shaded jar (the hub and every library, some 160,000
 * entries) mounted as a zip file system for as long as the hub runs: tens of megabytes of heap for a few files.
 */
public final class StaticFiles extends Handler.Abstract {

    private record File(ByteBuffer bytes, String contentType, String cacheControl) {}

    private final Map<String, File> files = new HashMap<>();

    /** Adds every file under {@code root} on the classpath, served at {@code prefix} + its path below the root. */
    public StaticFiles add(String root, String prefix, String cacheControl) {
        try {
            for (URL url : Collections.list(StaticFiles.class.getClassLoader().getResources(root))) {
                if (url.getProtocol().equals("jar")) {
                    readJar(url, root, prefix, cacheControl);
                } else {
                    readFolder(Path.of(url.toURI()), prefix, cacheControl);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the static files under " + root, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("static files under an unreadable location " + root, e);
        }
        return this;
    }

    private void readJar(URL url, String root, String prefix, String cacheControl) throws IOException {
        JarURLConnection connection = (JarURLConnection) url.openConnection();
        connection.setUseCaches(false);
        String under = root.endsWith("/") ? root : root + "/";
        try (JarFile jar = connection.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (!entry.isDirectory() && entry.getName().startsWith(under)) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        put(prefix + entry.getName().substring(under.length()), in.readAllBytes(), cacheControl);
                    }
                }
            }
        }
    }

    private void readFolder(Path folder, String prefix, String cacheControl) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path file : paths.filter(Files::isRegularFile).toList()) {
                String relative = folder.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                put(prefix + relative, Files.readAllBytes(file), cacheControl);
            }
        }
    }

    private void put(String path, byte[] bytes, String cacheControl) {
        String type = MimeTypes.DEFAULTS.getMimeByExtension(path);
        if (type == null) {
            type = "application/octet-stream";
        } else if (type.startsWith("text/") || type.endsWith("javascript") || type.endsWith("json")) {
            type += ";charset=utf-8";
        }
        files.put(path, new File(ByteBuffer.wrap(bytes).asReadOnlyBuffer(), type, cacheControl));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            return false;
        }
        String path = Request.getPathInContext(request);
        File file = files.get(path.endsWith("/") ? path + "index.html" : path);
        if (file == null) {
            return false;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, file.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, file.cacheControl());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, file.bytes().remaining());
        response.write(true, HttpMethod.HEAD.is(method) ? null : file.bytes().slice(), callback);
        return true;
    }
}
