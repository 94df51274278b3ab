/*
 * Runs the analyzers that config/solr/schema.xml declares, with plain Lucene 8 (Debian's liblucene8-java;
 * Solr 9 runs the same factories from Lucene 9, where only the factory base classes changed package),
 * so tests/deploy/test_solr_analysis.py can check the Chinese text handling without a Solr server.
 *
 * Usage: java -cp <lucene jars>:<dir> SolrSchemaAnalysis <config/solr directory>
 * Reads tab-separated requests from stdin, one per line, and answers one line each:
 *   tokens <TAB> fieldType <TAB> index|query <TAB> text     -> the terms, space-separated, in order
 *   match  <TAB> fieldType <TAB> document    <TAB> query    -> "true" or "false"
 * "match" indexes the document with the index analyzer and builds the query the way Solr's query parser
 * does for one whitespace-free clause with q.op=AND (every term required, synonym graphs expanded).
 */
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.util.TokenFilterFactory;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.util.TokenizerFactory;
import org.apache.lucene.analysis.custom.CustomAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.memory.MemoryIndex;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.QueryBuilder;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

public class SolrSchemaAnalysis {

    private static String factoryName(String solrClass, Set<String> available, boolean tokenizer) throws Exception {
        String simple = solrClass.startsWith("solr.") ? solrClass.substring(5) : solrClass.substring(solrClass.lastIndexOf('.') + 1);
        for (String name : available) {
            Class<?> cls = tokenizer ? TokenizerFactory.lookupClass(name) : TokenFilterFactory.lookupClass(name);
            if (cls.getSimpleName().equals(simple)) {
                return name;
            }
        }
        throw new IllegalArgumentException("no Lucene factory for " + solrClass);
    }

    private static Map<String, String> params(Element element) {
        Map<String, String> result = new HashMap<>();
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Node attribute = attributes.item(i);
            if (!attribute.getNodeName().equals("class")) {
                result.put(attribute.getNodeName(), attribute.getNodeValue());
            }
        }
        return result;
    }

    private static Analyzer build(Path configDir, Element analyzer) throws Exception {
        CustomAnalyzer.Builder builder = CustomAnalyzer.builder(configDir);
        NodeList children = analyzer.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (!(children.item(i) instanceof Element)) {
                continue;
            }
            Element child = (Element) children.item(i);
            if (child.getTagName().equals("tokenizer")) {
                builder.withTokenizer(factoryName(child.getAttribute("class"), TokenizerFactory.availableTokenizers(), true), params(child));
            } else if (child.getTagName().equals("filter")) {
                builder.addTokenFilter(factoryName(child.getAttribute("class"), TokenFilterFactory.availableTokenFilters(), false), params(child));
            }
        }
        return builder.build();
    }

    private static List<String> terms(Analyzer analyzer, String text) throws Exception {
        List<String> result = new ArrayList<>();
        try (TokenStream stream = analyzer.tokenStream("f", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                result.add(term.toString());
            }
            stream.end();
        }
        return result;
    }

    public static void main(String[] args) throws Exception {
        Path configDir = Paths.get(args[0]);
        Element schema = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(configDir.resolve("schema.xml").toFile()).getDocumentElement();
        Map<String, Analyzer> analyzers = new HashMap<>();
        NodeList fieldTypes = schema.getElementsByTagName("fieldType");
        for (int i = 0; i < fieldTypes.getLength(); i++) {
            Element fieldType = (Element) fieldTypes.item(i);
            NodeList analyzerElements = fieldType.getElementsByTagName("analyzer");
            for (int j = 0; j < analyzerElements.getLength(); j++) {
                Element analyzer = (Element) analyzerElements.item(j);
                String kind = analyzer.getAttribute("type").isEmpty() ? "index" : analyzer.getAttribute("type");
                analyzers.put(fieldType.getAttribute("name") + "/" + kind, build(configDir, analyzer));
            }
        }

        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] request = line.split("\t", -1);
            if (request[0].equals("tokens")) {
                out.println(String.join(" ", terms(analyzers.get(request[1] + "/" + request[2]), request[3])));
            } else if (request[0].equals("match")) {
                MemoryIndex index = new MemoryIndex();
                index.addField("f", request[2], analyzers.get(request[1] + "/index"));
                Query query = new QueryBuilder(analyzers.get(request[1] + "/query"))
                        .createBooleanQuery("f", request[3], BooleanClause.Occur.MUST);
                out.println(query != null && index.search(query) > 0.0f);
            } else {
                out.println("error: unknown request " + request[0]);
            }
        }
    }
}
